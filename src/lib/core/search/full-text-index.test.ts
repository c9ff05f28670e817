import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FullTextIndex, type SearchFilters, type HighlightSegment } from './full-text-index';
import type { Folder, Prompt } from '../model/prompt';

/** A small vocabulary, so that random prompts share words, prefixes and near-misses. */
const WORDS = [
	'email',
	'emails',
	'summary',
	'summarize',
	'tone',
	'toner',
	'json',
	'sql',
	'reply',
	'replay',
	'ticket',
	'café',
	'Review',
	'reviews',
	'code',
	'x1'
];
const SEPARATORS = [' ', ' ', ', ', '-', '_', '\n', '. '];
const TAGS = ['support', 'json-output', 'draft', 'legal'];
const FOLDERS: Folder[] = [
	{ id: 'root', name: 'Root', parentId: null, createdAt: 1, updatedAt: 1 },
	{ id: 'child', name: 'Child', parentId: 'root', createdAt: 1, updatedAt: 1 },
	{ id: 'other', name: 'Other', parentId: null, createdAt: 1, updatedAt: 1 }
];

function prompt(
	id: string,
	fields: { name: string; description: string; content: string; tags: string[] },
	extra: Partial<Prompt> = {}
): Prompt {
	return {
		id,
		name: fields.name,
		type: 'text',
		content: fields.content,
		messages: [],
		description: fields.description,
		tags: fields.tags,
		intent: '',
		author: 'ann',
		modelConfig: { model: 'gpt', params: {} },
		customFields: [],
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		folderId: null,
		projectId: null,
		createdAt: 1,
		updatedAt: 1,
		deletedAt: null,
		...extra
	};
}

const text = (max: number) =>
	fc
		.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS), fc.boolean()), {
			maxLength: max
		})
		.map((parts) => parts.map(([w, sep, upper]) => (upper ? w.toUpperCase() : w) + sep).join(''));

const arbPrompt = (i: number) =>
	fc
		.record({
			name: text(3),
			description: text(4),
			content: text(12),
			tags: fc.subarray(TAGS),
			folderId: fc.constantFrom(null, 'root', 'child', 'other'),
			author: fc.constantFrom('ann', 'bob'),
			model: fc.constantFrom('gpt', 'claude'),
			projectId: fc.constantFrom(null, 'alpha'),
			updatedAt: fc.integer({ min: 1, max: 5 })
		})
		.map((r) =>
			prompt(`p${i}`, r, {
				folderId: r.folderId,
				author: r.author,
				projectId: r.projectId,
				modelConfig: { model: r.model, params: {} },
				updatedAt: r.updatedAt
			})
		);

const arbLibrary = fc
	.integer({ min: 0, max: 25 })
	.chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbPrompt(i))));

/** Query words: whole words, prefixes of 1–6 letters, and words with a typo. */
const arbQuery = fc
	.array(
		fc.oneof(
			fc.constantFrom(...WORDS),
			fc
				.tuple(fc.constantFrom(...WORDS), fc.integer({ min: 1, max: 6 }))
				.map(([w, n]) => w.slice(0, n)),
			fc.tuple(fc.constantFrom(...WORDS), fc.nat()).map(([w, n]) => {
				const at = n % w.length;
				return w.slice(0, at) + 'q' + w.slice(at + 1);
			})
		),
		{ minLength: 1, maxLength: 3 }
	)
	.map((ws) => ws.join(' '));

const arbFilters: fc.Arbitrary<SearchFilters> = fc.record(
	{
		tag: fc.constantFrom(...TAGS),
		folderId: fc.constantFrom('root', 'child'),
		author: fc.constantFrom('ann', 'bob'),
		model: fc.constantFrom('gpt', 'claude'),
		projectId: fc.constantFrom('alpha')
	},
	{ requiredKeys: [] }
);

// ---- The reference: the documented rules, written the slow and obvious way. ----

const words = (s: string) =>
	s
		.split(/[^A-Za-z0-9\u00C0-\u1FFF\u2C00-\uD7FF\uF900-\uFFEF]+/)
		.filter(Boolean)
		.map((w) => w.toLowerCase());

function editDistance(a: string, b: string): number {
	const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) d[0][j] = j;
	for (let i = 1; i <= a.length; i++)
		for (let j = 1; j <= b.length; j++)
			d[i][j] = Math.min(
				d[i - 1][j] + 1,
				d[i][j - 1] + 1,
				d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
			);
	return d[a.length][b.length];
}

const FIELD_NAMES = ['name', 'description', 'tags', 'content'] as const;

function referenceSearch(prompts: Prompt[], query: string, filters: SearchFilters) {
	const terms = words(query);
	const inFolder = (folderId: string | null) => {
		for (let cur = folderId; cur; cur = FOLDERS.find((f) => f.id === cur)?.parentId ?? null)
			if (cur === filters.folderId) return true;
		return false;
	};
	const passes = (p: Prompt) =>
		(!filters.tag || p.tags.includes(filters.tag)) &&
		(!filters.author || p.author === filters.author) &&
		(!filters.model || p.modelConfig.model === filters.model) &&
		(!filters.projectId || p.projectId === filters.projectId) &&
		(!filters.folderId || inFolder(p.folderId));
	const run = (fuzzy: boolean) => {
		const out = new Map<string, { words: Set<string>; fields: Set<string> }>();
		for (const p of prompts) {
			if (p.deletedAt !== null || !passes(p)) continue;
			const fields = [p.name, p.description, p.tags.join(' '), p.content].map(words);
			const matched = new Set<string>();
			const hitFields = new Set<string>();
			const all = terms.every((t, i) => {
				const prefix = i === terms.length - 1 && t.length >= 3;
				const maxEdits = fuzzy && t.length > 3 ? Math.round(t.length * 0.2) : 0;
				let any = false;
				fields.forEach((ws, f) => {
					for (const w of ws)
						if (
							w === t ||
							(prefix && w.startsWith(t)) ||
							(maxEdits > 0 && editDistance(w, t) <= maxEdits)
						) {
							any = true;
							matched.add(w);
							hitFields.add(FIELD_NAMES[f]);
						}
				});
				return any;
			});
			if (all) out.set(p.id, { words: matched, fields: hitFields });
		}
		return out;
	};
	const exact = run(false);
	return exact.size ? exact : run(true);
}

/** Marks each case-insensitive occurrence of `ws`, scanning left to right, longest word first. */
function referenceHighlight(text: string, ws: Set<string>): HighlightSegment[] {
	const sorted = [...ws].sort((a, b) => b.length - a.length);
	const out: HighlightSegment[] = [];
	let plain = '';
	for (let i = 0; i < text.length;) {
		const w = sorted.find((w) => text.slice(i, i + w.length).toLowerCase() === w);
		if (w) {
			if (plain) out.push({ text: plain, match: false });
			plain = '';
			out.push({ text: text.slice(i, i + w.length), match: true });
			i += w.length;
		} else plain += text[i++];
	}
	if (plain) out.push({ text: plain, match: false });
	return out;
}

const marked = (segments: HighlightSegment[]) =>
	segments.filter((s) => s.match).map((s) => s.text.toLowerCase());

describe('FullTextIndex', () => {
	it('finds exactly what the reference rules find, with the same fields and highlights', () => {
		fc.assert(
			fc.property(arbLibrary, arbQuery, arbFilters, (prompts, query, filters) => {
				const index = new FullTextIndex();
				index.rebuild(prompts, FOLDERS);
				const hits = index.search(query, filters, 1000);
				const expected = referenceSearch(prompts, query, filters);
				expect(hits.map((h) => h.id).sort()).toEqual([...expected.keys()].sort());
				for (const h of hits) {
					const ref = expected.get(h.id)!;
					const p = prompts.find((x) => x.id === h.id)!;
					expect(new Set(h.fields)).toEqual(ref.fields);
					expect(h.nameSegments.filter((s) => s.text)).toEqual(
						referenceHighlight(p.name, ref.words)
					);
					expect(h.nameSegments.map((s) => s.text).join('')).toBe(p.name);
					// The snippet shows the content around its first highlighted word.
					for (const m of marked(h.snippet)) expect(ref.words.has(m)).toBe(true);
					const firstHit = referenceHighlight(p.content, ref.words).find((s) => s.match);
					if (firstHit) expect(marked(h.snippet)[0]).toBe(firstHit.text.toLowerCase());
				}
				for (let i = 1; i < hits.length; i++)
					expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
			}),
			{ numRuns: 300 }
		);
	});

	it('ranks the same after any sequence of edits and deletions as an index built from scratch', () => {
		fc.assert(
			fc.property(
				arbLibrary,
				arbLibrary,
				fc.array(fc.nat(), { maxLength: 10 }),
				arbQuery,
				(before, after, trashed, query) => {
					const index = new FullTextIndex();
					index.rebuild(before, FOLDERS);
					const final = new Map(before.map((p) => [p.id, p]));
					for (const p of after) {
						index.upsert(p);
						final.set(p.id, p);
					}
					for (const n of trashed) {
						const p = final.get(`p${n % 30}`);
						if (!p) continue;
						const gone = { ...p, deletedAt: 5 };
						index.upsert(gone);
						final.set(p.id, gone);
					}
					const fresh = new FullTextIndex();
					fresh.rebuild([...final.values()], FOLDERS);
					const got = index.search(query, {}, 1000);
					const want = fresh.search(query, {}, 1000);
					expect(new Map(got.map((h) => [h.id, h.score.toFixed(9)]))).toEqual(
						new Map(want.map((h) => [h.id, h.score.toFixed(9)]))
					);
				}
			),
			{ numRuns: 200 }
		);
	});

	it('stays correct across the compaction of thousands of replaced prompts, filters included', () => {
		const index = new FullTextIndex();
		const make = (i: number, round: number) =>
			prompt(
				`p${i}`,
				{
					name: `item ${round} tone`,
					description: '',
					content: round % 2 ? 'odd email' : 'even email',
					tags: [`r${round}`]
				},
				{ folderId: i % 2 ? 'child' : 'other' }
			);
		index.rebuild(
			Array.from({ length: 500 }, (_, i) => make(i, 0)),
			FOLDERS
		);
		for (let round = 1; round <= 6; round++)
			for (let i = 0; i < 500; i++) index.upsert(make(i, round));
		expect(index.size).toBe(500);
		expect(index.search('odd', {}, 1000).length).toBe(0);
		expect(index.search('even email', {}, 1000).length).toBe(500);
		expect(index.search('6', {}, 1000).length).toBe(500);
		expect(index.search('5', {}, 1000).length).toBe(0);
		expect(index.search('email', { tag: 'r6' }, 1000).length).toBe(500);
		expect(index.search('email', { tag: 'r5' }, 1000).length).toBe(0);
		expect(index.search('email', { folderId: 'root', tag: 'r6' }, 1000).length).toBe(250);
	});

	it('finds prefixes among thousands of words added one prompt at a time', () => {
		const index = new FullTextIndex();
		index.rebuild([], []);
		const names = Array.from({ length: 3000 }, (_, i) => `w${(i * 7919) % 3000}x`);
		names.forEach((name, i) =>
			index.upsert(prompt(`p${i}`, { name, description: '', content: 'body', tags: [] }))
		);
		for (const q of ['w12', 'w2999', 'w7', 'w30']) {
			const want = names.filter((n) => n.startsWith(q)).length;
			expect(index.search(q, {}, 5000).length).toBe(q.length >= 3 ? want : 0);
		}
	});

	it('ranks a word in the name above the same word in the content, and a typo finds the word', () => {
		const index = new FullTextIndex();
		index.rebuild(
			[
				prompt('body', {
					name: 'Other',
					description: '',
					content: 'summarize the email',
					tags: []
				}),
				prompt('title', {
					name: 'Summarize emails',
					description: '',
					content: 'some text here',
					tags: []
				})
			],
			[]
		);
		expect(index.search('summarize').map((h) => h.id)).toEqual(['title', 'body']);
		expect(index.search('sumarize').map((h) => h.id)).toEqual(['title', 'body']);
		expect(index.search('summ')[0].nameSegments).toEqual([
			{ text: 'Summarize', match: true },
			{ text: ' emails', match: false }
		]);
	});

	it('marks the matched words in the description and in the tags that matched', () => {
		const index = new FullTextIndex();
		index.rebuild(
			[
				prompt('a', {
					name: 'weekly-report',
					description: 'Turns invoices into a digest',
					content: 'Write it.',
					tags: ['finance', 'invoices-2024', 'ops']
				})
			],
			[]
		);
		const [hit] = index.search('invoices');
		expect(hit.descriptionSegments).toEqual([
			{ text: 'Turns ', match: false },
			{ text: 'invoices', match: true },
			{ text: ' into a digest', match: false }
		]);
		expect(hit.tagSegments?.map((t) => t.tag)).toEqual(['invoices-2024']);
		expect(hit.tagSegments?.[0].segments[0]).toEqual({ text: 'invoices', match: true });
		// A match in the content only marks neither.
		const [other] = index.search('write');
		expect(other.descriptionSegments).toBeUndefined();
		expect(other.tagSegments).toBeUndefined();
	});

	it('searches text indexed in the background, including prompts edited meanwhile', async () => {
		const prompts = Array.from({ length: 40 }, (_, i) =>
			prompt(`p${i}`, { name: `n${i}`, description: '', content: 'alpha', tags: [] })
		);
		const index = new FullTextIndex();
		const done = index.rebuildInBackground(prompts, [], 7);
		expect(index.search('', {}, 100).length).toBe(40);
		index.upsert(prompt('p3', { name: 'n3', description: '', content: 'beta', tags: [] }));
		await done;
		expect(index.pending).toBe(0);
		expect(index.search('alpha', {}, 100).length).toBe(39);
		expect(index.search('beta').map((h) => h.id)).toEqual(['p3']);
	});

	it('lists the most recently updated first for an empty query, oldest entry first on ties', () => {
		const index = new FullTextIndex();
		const ps = [3, 9, 1, 9, 5].map((t, i) =>
			prompt(`p${i}`, { name: `n${i}`, description: '', content: '', tags: [] }, { updatedAt: t })
		);
		index.rebuild(ps, []);
		expect(index.search('  ', {}, 3).map((h) => h.id)).toEqual(['p1', 'p3', 'p4']);
	});
});
