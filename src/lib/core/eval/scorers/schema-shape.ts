/** @module A structural check of a JSON Schema's keywords, so a malformed schema fails early and clearly. */

const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const SCHEMA_KEYWORDS = [
	'additionalProperties',
	'additionalItems',
	'unevaluatedProperties',
	'unevaluatedItems',
	'contains',
	'propertyNames',
	'not',
	'if',
	'then',
	'else'
];
const SCHEMA_MAP_KEYWORDS = [
	'properties',
	'patternProperties',
	'$defs',
	'definitions',
	'dependentSchemas'
];
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const NUMBER_KEYWORDS = [
	'minimum',
	'maximum',
	'exclusiveMinimum',
	'exclusiveMaximum',
	'multipleOf'
];
const COUNT_KEYWORDS = [
	'minLength',
	'maxLength',
	'minItems',
	'maxItems',
	'minProperties',
	'maxProperties',
	'minContains',
	'maxContains'
];

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first problem found in `schema` (with its location), or null when it looks well formed. */
export function checkSchemaShape(schema: unknown, at = '#'): string | null {
	if (typeof schema === 'boolean') return null;
	if (!isObject(schema)) return `${at} must be an object or a boolean`;
	const type = schema.type;
	if (type !== undefined) {
		const list = Array.isArray(type) ? type : [type];
		const bad = list.find((t) => typeof t !== 'string' || !TYPES.has(t));
		if (bad !== undefined || list.length === 0)
			return `${at}/type must be one of ${[...TYPES].join(', ')} (got ${JSON.stringify(type)})`;
	}
	for (const k of SCHEMA_KEYWORDS) {
		if (k in schema) {
			const problem = checkSchemaShape(schema[k], `${at}/${k}`);
			if (problem) return problem;
		}
	}
	if ('items' in schema) {
		const items = schema.items;
		const list = Array.isArray(items) ? items : [items];
		for (const [i, item] of list.entries()) {
			const problem = checkSchemaShape(
				item,
				Array.isArray(items) ? `${at}/items/${i}` : `${at}/items`
			);
			if (problem) return problem;
		}
	}
	for (const k of SCHEMA_MAP_KEYWORDS) {
		if (!(k in schema)) continue;
		const map = schema[k];
		if (!isObject(map)) return `${at}/${k} must be an object of schemas`;
		for (const [name, sub] of Object.entries(map)) {
			const problem = checkSchemaShape(sub, `${at}/${k}/${name}`);
			if (problem) return problem;
		}
	}
	for (const k of SCHEMA_LIST_KEYWORDS) {
		if (!(k in schema)) continue;
		const list = schema[k];
		if (!Array.isArray(list) || list.length === 0)
			return `${at}/${k} must be a non-empty array of schemas`;
		for (const [i, sub] of list.entries()) {
			const problem = checkSchemaShape(sub, `${at}/${k}/${i}`);
			if (problem) return problem;
		}
	}
	if ('required' in schema) {
		const r = schema.required;
		if (!Array.isArray(r) || r.some((x) => typeof x !== 'string'))
			return `${at}/required must be an array of property names`;
	}
	if ('enum' in schema && !Array.isArray(schema.enum)) return `${at}/enum must be an array`;
	for (const k of NUMBER_KEYWORDS)
		if (k in schema && typeof schema[k] !== 'number') return `${at}/${k} must be a number`;
	for (const k of COUNT_KEYWORDS) {
		const v = schema[k];
		if (k in schema && (typeof v !== 'number' || !Number.isInteger(v) || v < 0))
			return `${at}/${k} must be a non-negative integer`;
	}
	if ('pattern' in schema) {
		try {
			new RegExp(String(schema.pattern), 'u');
		} catch {
			return `${at}/pattern is not a valid regular expression`;
		}
	}
	return null;
}
