import { describe, expect, it } from 'vitest';
import { validLibraryFixture } from '../io/library-fixture.testing';
import { verifyLibraryVersions } from '../io/verify-versions';
import { mainChain, readLangfuse, writeLangfuse } from './langfuse';

/** Two versions of a chat prompt and a text prompt, as Langfuse's GET /api/public/v2/prompts/{name} returns them. */
const EXPORT = [
	{
		id: 'a1',
		name: 'support/reply',
		version: 1,
		type: 'chat',
		prompt: [
			{ role: 'system', content: 'You help {{company}} customers.', type: 'chatmessage' },
			{ role: 'user', content: '{{question}}', type: 'chatmessage' }
		],
		config: { model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 300, top_p: 0.9 },
		labels: ['production'],
		tags: ['support'],
		commitMessage: 'first',
		createdAt: '2024-05-01T10:00:00.000Z',
		updatedAt: '2024-05-01T10:00:00.000Z',
		createdBy: 'ana',
		resolutionGraph: null
	},
	{
		id: 'a2',
		name: 'support/reply',
		version: 2,
		type: 'chat',
		prompt: [
			{ role: 'system', content: 'You help {{company}} customers, kindly.', type: 'chatmessage' },
			{ role: 'user', content: '{{question}}', type: 'chatmessage' }
		],
		config: { model: 'gpt-4o', temperature: 0.3 },
		labels: ['latest', 'staging'],
		tags: ['support'],
		commitMessage: null,
		createdAt: '2024-05-02T10:00:00.000Z',
		updatedAt: '2024-05-02T10:00:00.000Z',
		createdBy: 'bo'
	},
	{
		name: 'greet',
		version: 1,
		type: 'text',
		prompt: 'Hello {{name}}!',
		config: {},
		labels: ['production', 'latest'],
		tags: []
	}
];

describe('Langfuse prompt JSON', () => {
	it('reads versions as history on main, labels at their versions, names with / as folders', async () => {
		const r = await readLangfuse(JSON.stringify(EXPORT, null, 2), {
			fileName: 'export.json',
			now: 1
		});
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		const lib = r.library;
		expect(await verifyLibraryVersions(lib)).toEqual([]);
		const reply = lib.prompts.find((p) => p.name === 'reply')!;
		expect(reply).toMatchObject({
			type: 'chat',
			messages: [
				{ role: 'system', content: 'You help {{company}} customers, kindly.' },
				{ role: 'user', content: '{{question}}' }
			],
			modelConfig: { model: 'gpt-4o', temperature: 0.3, params: {} },
			tags: ['support'],
			author: 'ana'
		});
		expect(lib.folders.find((f) => f.id === reply.folderId)?.name).toBe('support');
		const history = lib.versions.filter((v) => v.promptId === reply.id);
		expect(history.map((v) => [v.author, v.message, v.metadata.modelConfig.maxTokens])).toEqual([
			['ana', 'first', 300],
			['bo', '', undefined]
		]);
		expect(history[1].parents).toEqual([history[0].id]);
		expect(
			Object.fromEntries(
				lib.labels.filter((l) => l.promptId === reply.id).map((l) => [l.name, l.versionId])
			)
		).toEqual({
			production: history[0].id,
			staging: history[1].id
		});
		expect(lib.prompts.find((p) => p.name === 'greet')).toMatchObject({
			type: 'text',
			content: 'Hello {{name}}!'
		});
	});

	it('accepts one prompt and {"data": [...]}; refuses the list of names with a hint', async () => {
		const one = await readLangfuse(JSON.stringify(EXPORT[2]), { fileName: 'greet.json' });
		expect(one.ok && one.library.prompts.map((p) => p.name)).toEqual(['greet']);
		const data = await readLangfuse(JSON.stringify({ data: EXPORT }), { fileName: 'x.json' });
		expect(data.ok && data.library.prompts.length).toBe(2);
		const list = await readLangfuse(
			JSON.stringify({
				data: [
					{
						name: 'greet',
						versions: [1, 2],
						labels: [],
						tags: [],
						lastUpdatedAt: '',
						lastConfig: {}
					}
				],
				meta: {}
			}),
			{ fileName: 'list.json' }
		);
		expect(list.ok).toBe(false);
		expect(list.issues[0].message).toContain('prompt list (names and versions only');
	});

	it('reports bad JSON and bad fields at their line and column', async () => {
		const syntax = await readLangfuse('{\n  "name": "x",\n  "prompt": }', { fileName: 'x.json' });
		expect(syntax.issues[0]).toMatchObject({ line: 3, column: 13 });
		const text = JSON.stringify(
			[
				{
					name: 'x',
					version: 1,
					type: 'chat',
					prompt: [
						{ role: 'tool', content: 'x' },
						{ type: 'placeholder', name: 'history' }
					],
					config: { temperature: 9 },
					labels: [],
					tags: []
				}
			],
			null,
			2
		);
		const r = await readLangfuse(text, { fileName: 'x.json' });
		expect(r.ok).toBe(false);
		expect(r.issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
			expect.stringMatching(/^8:\d+ role "tool" is not supported/),
			expect.stringMatching(/^11:\d+ message placeholder "history"/),
			expect.stringMatching(/^17:\d+ config.temperature must be a number from 0 to 2/)
		]);
	});

	it('writes a library back as Langfuse JSON that reads as the same prompts and history', async () => {
		const lib = await validLibraryFixture();
		const files = writeLangfuse(lib);
		const all = files.flatMap((f) => f.prompts);
		expect(
			all.every(
				(p) =>
					p.labels.includes('latest') ===
					(p === files.find((f) => f.prompts.includes(p))!.prompts.at(-1))
			)
		).toBe(true);
		const back = await readLangfuse(JSON.stringify(all), { fileName: 'all.json' });
		if (!back.ok) throw new Error(JSON.stringify(back.issues));
		for (const p of lib.prompts.filter((x) => x.deletedAt === null)) {
			const q = back.library.prompts.find((x) => x.name === p.name)!;
			// Langfuse holds versions: the newest one on main (the working copy when never committed).
			const head = mainChain(lib, p.id).at(-1);
			const want = head ? { ...head.content, ...head.metadata } : p;
			expect({
				type: q.type,
				content: q.content,
				messages: q.messages,
				model: q.modelConfig,
				tags: q.tags
			}).toEqual({
				type: want.type,
				content: want.content,
				messages: want.messages,
				model: want.modelConfig,
				tags: want.tags
			});
			if (head)
				expect(mainChain(back.library, q.id).map((v) => v.content)).toEqual(
					mainChain(lib, p.id).map((v) => v.content)
				);
			const labels = (l: typeof lib) =>
				l.labels
					.filter(
						(x) =>
							x.promptId === l.prompts.find((y) => y.name === p.name && y.deletedAt === null)?.id
					)
					.map((x) => x.name)
					.sort();
			expect(labels(back.library)).toEqual(labels(lib));
		}
	});
});
