/** @module promptfoo `assert` lists: types checked against the scorer registry, `file://` values read. */
import { ASSERT_SET, scorerTypeNames } from '../scorers/registry';
import type { Assertion } from '../scorers/types';
import { Context, fail, fileValue, isFileRef, isObject } from './parse-util';

const ASSERT_KEYS = [
	'type',
	'value',
	'threshold',
	'weight',
	'metric',
	'provider',
	'rubricPrompt',
	'assert',
	'transform'
];

export async function parseAssertions(
	ctx: Context,
	value: unknown,
	path: string
): Promise<Assertion[]> {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw fail(path, 'expected a list of assertions');
	const known = new Set(scorerTypeNames());
	const out: Assertion[] = [];
	for (const [i, item] of value.entries()) {
		const p = `${path}[${i}]`;
		if (!isObject(item) || typeof item.type !== 'string')
			throw fail(p, 'an assertion needs a "type"');
		ctx.keys(item, ASSERT_KEYS, p);
		if (!known.has(item.type)) throw fail(`${p}.type`, `unsupported assertion type "${item.type}"`);
		const a: Assertion = { type: item.type };
		if (item.value !== undefined) {
			a.value = isFileRef(item.value) ? await fileValue(ctx, item.value, `${p}.value`) : item.value;
		}
		for (const k of ['threshold', 'weight'] as const) {
			if (item[k] === undefined) continue;
			if (typeof item[k] !== 'number') throw fail(`${p}.${k}`, 'expected a number');
			a[k] = item[k] as number;
		}
		for (const k of ['metric', 'provider', 'rubricPrompt'] as const) {
			if (item[k] === undefined) continue;
			if (typeof item[k] !== 'string') throw fail(`${p}.${k}`, 'expected a string');
			a[k] = item[k] as string;
		}
		if (item.transform !== undefined) {
			if (typeof item.transform !== 'string')
				throw fail(`${p}.transform`, 'expected JavaScript code');
			a.transform = item.transform;
		}
		if (item.type === ASSERT_SET) a.assert = await parseAssertions(ctx, item.assert, `${p}.assert`);
		out.push(a);
	}
	return out;
}
