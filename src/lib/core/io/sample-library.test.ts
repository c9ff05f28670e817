import { describe, expect, it } from 'vitest';
import { promptText } from '../model/prompt';
import { parseLibrary, serializeLibrary, validateLibrary } from './library-file';
import { demoLibrary } from './demo-library';
import { SAMPLE_MAX_CHARS, SAMPLE_MIN_CHARS, generateLibrary } from './sample-library';
import { createRng } from '../util/prng';
import type { Folder } from '../model/prompt';

function depth(folders: Folder[], id: string): number {
	const byId = new Map(folders.map((f) => [f.id, f]));
	let d = 0;
	for (let cur = byId.get(id); cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) d++;
	return d;
}

describe('generateLibrary', () => {
	it('produces a library that passes validation', () => {
		const lib = generateLibrary({ prompts: 500, seed: 42 });
		const result = validateLibrary(serializeLibrary(lib, 'json'));
		expect(result.ok ? result.summary.prompts : result.errors.slice(0, 3)).toBe(500);
	});

	it('is deterministic for a seed and differs between seeds', () => {
		const a = serializeLibrary(generateLibrary({ prompts: 200, seed: 'bench' }), 'json');
		const b = serializeLibrary(generateLibrary({ prompts: 200, seed: 'bench' }), 'json');
		const c = serializeLibrary(generateLibrary({ prompts: 200, seed: 'other' }), 'json');
		expect(a).toBe(b);
		expect(c).not.toBe(a);
	});

	it('makes realistic prompts: 200–3,000 chars, both types, tags, models, authors, custom fields', () => {
		const lib = generateLibrary({ prompts: 1000, seed: 3 });
		const lengths = lib.prompts.map((p) => promptText(p).length);
		expect(Math.min(...lengths)).toBeGreaterThanOrEqual(SAMPLE_MIN_CHARS);
		expect(Math.max(...lengths)).toBeLessThanOrEqual(SAMPLE_MAX_CHARS + 20);
		expect(lengths.filter((n) => n > 1500).length).toBeGreaterThan(100);
		const types = new Set(lib.prompts.map((p) => p.type));
		expect(types).toEqual(new Set(['text', 'chat']));
		expect(lib.prompts.every((p) => p.tags.length >= 1)).toBe(true);
		expect(new Set(lib.prompts.map((p) => p.modelConfig.model)).size).toBeGreaterThan(5);
		expect(new Set(lib.prompts.map((p) => p.author)).size).toBeGreaterThan(5);
		expect(lib.prompts.some((p) => p.customFields.length > 0)).toBe(true);
		expect(lib.prompts.some((p) => p.projectId !== null)).toBe(true);
		expect(new Set(lib.prompts.map((p) => p.name)).size).toBe(1000);
	});

	it('nests folders up to three levels and uses every level', () => {
		const lib = generateLibrary({ prompts: 50, seed: 9 });
		const depths = lib.folders.map((f) => depth(lib.folders, f.id));
		expect(Math.max(...depths)).toBe(3);
		expect(new Set(depths)).toEqual(new Set([1, 2, 3]));
	});

	it('rejects a negative count', () => {
		expect(() => generateLibrary({ prompts: -1 })).toThrow(RangeError);
	});
});

describe('createRng', () => {
	it('repeats its sequence for a seed and stays within bounds', () => {
		const a = createRng(7);
		const b = createRng(7);
		const xs = Array.from({ length: 1000 }, () => a.int(1, 6));
		expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(1, 6)));
		expect(new Set(xs)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
		expect(createRng(7).uuid()).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
		);
	});
});

describe('demoLibrary', () => {
	it('has 8–12 prompts across 3 folders and survives a JSON and YAML round trip', () => {
		const lib = demoLibrary({ now: 1_700_000_000_000 });
		expect(lib.prompts.length).toBeGreaterThanOrEqual(8);
		expect(lib.prompts.length).toBeLessThanOrEqual(12);
		expect(lib.folders).toHaveLength(3);
		expect(new Set(lib.prompts.map((p) => p.folderId)).size).toBe(3);
		expect(parseLibrary(serializeLibrary(lib, 'yaml'))).toEqual(lib);
		expect(parseLibrary(serializeLibrary(lib, 'json'))).toEqual(lib);
	});
});
