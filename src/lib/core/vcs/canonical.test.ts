import { describe, expect, it } from 'vitest';
import { canonicalize, computeVersionId, sha256Hex, verifyVersion } from './canonical';
import { textSnapshot } from './fixtures';
import type { Version } from '../model/version';

describe('canonicalize', () => {
	it('is independent of object key order at every depth', () => {
		const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' } };
		const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
		expect(canonicalize(a)).toBe(canonicalize(b));
		expect(canonicalize(a)).toBe('{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1}');
	});

	it('normalizes strings and keys to NFC', () => {
		const nfc = 'caf\u00e9';
		const nfd = 'cafe\u0301';
		expect(nfc).not.toBe(nfd);
		expect(canonicalize({ [nfd]: nfd })).toBe(canonicalize({ [nfc]: nfc }));
	});

	it('drops undefined properties but keeps array positions', () => {
		expect(canonicalize({ a: undefined, b: 2 })).toBe('{"b":2}');
		expect(canonicalize([undefined, 1])).toBe('[null,1]');
	});

	it('keeps array order and writes numbers as JSON', () => {
		expect(canonicalize([2, 1])).not.toBe(canonicalize([1, 2]));
		expect(canonicalize([0.1, -0, 1e21])).toBe('[0.1,0,1e+21]');
	});

	it('rejects values that JSON cannot represent', () => {
		expect(() => canonicalize({ a: NaN })).toThrow(/non-finite/);
		expect(() => canonicalize({ a: () => 1 })).toThrow(/function/);
		expect(() => canonicalize(10n)).toThrow(/bigint/);
	});
});

describe('computeVersionId', () => {
	const snap = textSnapshot('Hello {{ name }}');

	it('is the SHA-256 hex of the canonical form', async () => {
		expect(await sha256Hex('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
		const id = await computeVersionId({ promptId: 'p1', ...snap, parents: [] });
		expect(id).toMatch(/^[0-9a-f]{64}$/);
	});

	it('gives the same id for reordered keys and NFD text', async () => {
		const id1 = await computeVersionId({
			promptId: 'p1',
			...textSnapshot('caf\u00e9'),
			parents: []
		});
		const reordered = textSnapshot('cafe\u0301');
		const metadata = Object.fromEntries(Object.entries(reordered.metadata).reverse());
		const id2 = await computeVersionId({
			parents: [],
			metadata: metadata as typeof reordered.metadata,
			content: reordered.content,
			promptId: 'p1'
		});
		expect(id2).toBe(id1);
	});

	it('depends on content, metadata, parents and their order, and prompt id', async () => {
		const base = { promptId: 'p1', ...snap, parents: ['a', 'b'] };
		const ids = await Promise.all([
			computeVersionId(base),
			computeVersionId({ ...base, parents: ['b', 'a'] }),
			computeVersionId({ ...base, promptId: 'p2' }),
			computeVersionId({ ...base, ...textSnapshot('Hello {{ name }}!') }),
			computeVersionId({ ...base, metadata: { ...snap.metadata, tags: ['x'] } })
		]);
		expect(new Set(ids).size).toBe(ids.length);
	});
});

describe('verifyVersion', () => {
	async function version(): Promise<Version> {
		const snap = textSnapshot('Summarize: {{ text }}', { tags: ['summary'] });
		const id = await computeVersionId({ promptId: 'p1', ...snap, parents: [] });
		return {
			id,
			promptId: 'p1',
			parents: [],
			...snap,
			message: 'first',
			author: 'ana',
			createdAt: 1,
			branch: 'main'
		};
	}

	it('accepts an untouched version even if message, author or time differ', async () => {
		const v = await version();
		expect(await verifyVersion(v)).toBe(true);
		expect(await verifyVersion({ ...v, message: 'edited', author: 'bob', createdAt: 9 })).toBe(
			true
		);
	});

	it('detects tampered content, metadata, parents or id', async () => {
		const v = await version();
		expect(await verifyVersion({ ...v, content: { ...v.content, content: 'Summarize:' } })).toBe(
			false
		);
		const meta = structuredClone(v.metadata);
		meta.modelConfig.temperature = 1.5;
		expect(await verifyVersion({ ...v, metadata: meta })).toBe(false);
		expect(await verifyVersion({ ...v, parents: ['x'] })).toBe(false);
		expect(
			await verifyVersion({ ...v, id: v.id.replace(/^./, (c) => (c === '0' ? '1' : '0')) })
		).toBe(false);
	});
});
