/** @module Stable key order for written library files: schema order for known keys, then the rest sorted. */
import { folderSchema, projectSchema, promptSchema } from '../model/prompt';
import { LIBRARY_KEYS } from './library-schema';
import {
	branchSchema,
	labelEventSchema,
	labelSchema,
	promptContentSchema,
	promptMetadataSchema,
	versionSchema
} from './version-schemas';

interface Order {
	keys: readonly string[];
	fields?: Record<string, Order>;
	/** Order of the items when the value is an array of objects. */
	items?: Order;
}

const keysOf = (schema: { shape: object }) => Object.keys(schema.shape);
const list = (items: Order): Order => ({ keys: [], items });

const modelConfig: Order = { keys: ['model', 'temperature', 'maxTokens', 'params'] };
const messages = list({ keys: ['role', 'content'] });
const customFields = list({ keys: ['key', 'type', 'value'] });
const templateOptions: Order = { keys: ['trimBlocks', 'lstripBlocks'] };

const prompt: Order = {
	keys: keysOf(promptSchema),
	fields: { modelConfig, messages, customFields, templateOptions }
};
const version: Order = {
	keys: keysOf(versionSchema),
	fields: {
		content: { keys: keysOf(promptContentSchema), fields: { messages } },
		metadata: {
			keys: keysOf(promptMetadataSchema),
			fields: { modelConfig, customFields, templateOptions }
		}
	}
};

const LIBRARY_ORDER: Order = {
	keys: LIBRARY_KEYS,
	fields: {
		workspace: { keys: ['id', 'name'] },
		prompts: list(prompt),
		folders: list({ keys: keysOf(folderSchema) }),
		projects: list({ keys: keysOf(projectSchema) }),
		versions: list(version),
		branches: list({ keys: keysOf(branchSchema) }),
		labels: list({ keys: keysOf(labelSchema) }),
		labelEvents: list({ keys: keysOf(labelEventSchema) }),
		datasets: list({ keys: ['id', 'name'] })
	}
};

const NO_ORDER: Order = { keys: [] };
const knownKeys = new Map<Order, Set<string>>();

function isPlainObject(v: unknown): v is Record<string, unknown> {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
	const proto = Object.getPrototypeOf(v);
	return proto === Object.prototype || proto === null;
}

function reorder(value: unknown, order: Order): unknown {
	if (Array.isArray(value)) return value.map((item) => reorder(item, order.items ?? NO_ORDER));
	if (!isPlainObject(value)) return value;
	const out: Record<string, unknown> = {};
	let known = knownKeys.get(order);
	if (!known) knownKeys.set(order, (known = new Set(order.keys)));
	const rest = Object.keys(value)
		.filter((k) => !known.has(k))
		.sort();
	for (const key of [...order.keys, ...rest]) {
		if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
		const ordered = reorder(value[key], order.fields?.[key] ?? NO_ORDER);
		// A `__proto__` key read from JSON must stay a plain property, not set the prototype.
		if (key === '__proto__')
			Object.defineProperty(out, key, {
				value: ordered,
				enumerable: true,
				writable: true,
				configurable: true
			});
		else out[key] = ordered;
	}
	return out;
}

/** A copy of a library with keys in the file's stable order; `undefined` properties are dropped. */
export function orderLibraryKeys(library: unknown): unknown {
	return reorder(library, LIBRARY_ORDER);
}
