import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinySentenceModel } from '../../../../../tests/support/tiny-onnx-model';
import { TransformersEmbedder } from './transformers';
import { openAppCore, type AppCore } from '../../app-core';
import type { Embedder } from './embedder';
import { SemanticService } from './semantic-service';
import { loadNodeUseLite } from './use-lite.node.ts';
import type { UseLiteEmbedder } from './use-lite';

/** Records what reaches the model, so tests can tell which prompts were re-embedded. */
class CountingEmbedder implements Embedder {
	texts: string[] = [];
	constructor(
		private inner: Embedder,
		readonly id = inner.id
	) {}
	get dims() {
		return this.inner.dims;
	}
	embed(texts: string[]) {
		this.texts.push(...texts);
		return this.inner.embed(texts);
	}
}

let model: UseLiteEmbedder;
beforeAll(async () => {
	model = await loadNodeUseLite();
}, 120_000);
afterAll(() => model?.dispose());

async function openCore(): Promise<{ core: AppCore; factory: IDBFactory }> {
	const factory = new IDBFactory();
	const core = await openAppCore({ name: 'semantic', indexedDB: factory, IDBKeyRange });
	return { core, factory };
}

const LIBRARY = [
	{
		name: 'email-summary',
		content: 'Condense the customer message below into three short bullet points.',
		tags: ['support']
	},
	{
		name: 'french-translator',
		content: 'Render the following passage in French, keeping the tone.',
		tags: ['i18n']
	},
	{
		name: 'sql-helper',
		content: 'Write a query against the orders table that answers the question.',
		tags: ['data']
	},
	{
		name: 'poem-writer',
		content: 'Compose a short poem with vivid imagery on the theme provided.',
		tags: ['creative']
	}
];

async function seed(core: AppCore) {
	const ids: Record<string, string> = {};
	for (const p of LIBRARY) ids[p.name] = (await core.library.createPrompt(p)).id;
	return ids;
}

describe('SemanticService', () => {
	it('finds a prompt by meaning with no words in common', async () => {
		const { core } = await openCore();
		await seed(core);
		const service = new SemanticService({ db: core.db, fullText: core.search, embedder: model });
		const hits = await service.search('translate text into another language');
		expect(hits[0].name).toBe('french-translator');
		const hits2 = await service.search('database');
		expect(hits2[0].name).toBe('sql-helper');
		core.close();
	});

	it('embeds only new or changed prompts and reuses the cache across sessions', async () => {
		const { core, factory } = await openCore();
		const ids = await seed(core);
		const counting = new CountingEmbedder(model);
		const service = new SemanticService({ db: core.db, fullText: core.search, embedder: counting });
		expect(await service.sync()).toEqual({ embedded: 4, reused: 0, removed: 0 });

		await core.library.updatePrompt(ids['poem-writer'], {
			content: 'Write a limerick about cats.'
		});
		counting.texts = [];
		expect(await service.sync()).toEqual({ embedded: 1, reused: 3, removed: 0 });
		expect(counting.texts).toHaveLength(1);
		expect(counting.texts[0]).toContain('limerick');

		await core.library.deletePrompts([ids['sql-helper']]);
		expect(await service.sync()).toEqual({ embedded: 0, reused: 3, removed: 1 });
		core.close();

		// A new session on the same database finds every vector in the `embeddings` table.
		const core2 = await openAppCore({ name: 'semantic', indexedDB: factory, IDBKeyRange });
		const counting2 = new CountingEmbedder(model);
		const service2 = new SemanticService({
			db: core2.db,
			fullText: core2.search,
			embedder: counting2
		});
		expect(await service2.sync()).toEqual({ embedded: 0, reused: 3, removed: 0 });
		expect(counting2.texts).toEqual([]);
		expect(await core2.db.embeddings.count()).toBe(4);
		core2.close();
	});

	it('re-embeds everything for a new model, reporting progress, and keeps both caches', async () => {
		const { core } = await openCore();
		await seed(core);
		const service = new SemanticService({
			db: core.db,
			fullText: core.search,
			embedder: model,
			batchSize: 2
		});
		await service.sync();
		const other = new CountingEmbedder(model, 'use-lite@other');
		const progress: string[] = [];
		service.status.on('status', (s) => {
			if (s.state === 'indexing') progress.push(`${s.done}/${s.total}`);
		});
		expect(await service.setEmbedder(other)).toMatchObject({ embedded: 4 });
		expect(progress).toEqual(['0/4', '2/4']);
		expect(service.model).toBe('use-lite@other');
		expect(service.current).toEqual({ state: 'ready', model: 'use-lite@other', size: 4 });
		expect(await core.db.embeddings.where('model').equals('use-lite@other').count()).toBe(4);
		expect(await core.db.embeddings.where('model').equals(model.id).count()).toBe(4);
		core.close();
	});

	it('switches to a sentence-transformer: only its vectors answer searches, switching back reuses the cache', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'pl-switch-model-'));
		await writeTinySentenceModel(dir, 'local/tiny-encoder');
		const tiny = await TransformersEmbedder.load({
			model: 'local/tiny-encoder',
			localModelPath: dir + '/',
			allowRemoteModels: false
		});
		const { core } = await openCore();
		const ids = await seed(core);
		const service = new SemanticService({ db: core.db, fullText: core.search, embedder: model });
		try {
			await service.sync();
			expect(await service.setEmbedder(tiny)).toMatchObject({ embedded: 4, reused: 0 });
			expect(service.model).toBe('transformers:local/tiny-encoder');
			const records = await core.db.embeddings.where('model').equals(tiny.id).toArray();
			expect(records.map((r) => r.vector.length)).toEqual([32, 32, 32, 32]);
			// The tiny model knows words, not meaning: a query sharing words finds its prompt.
			const hits = await service.search('sql query for the orders table', { minScore: -1 });
			expect(hits[0].id).toBe(ids['sql-helper']);
			expect(hits).toHaveLength(4);

			const counting = new CountingEmbedder(model);
			expect(await service.setEmbedder(counting)).toMatchObject({ embedded: 0, reused: 4 });
			expect(counting.texts).toEqual([]);
			expect((await service.search('translate text into another language'))[0].name).toBe(
				'french-translator'
			);
		} finally {
			await service.dispose();
			tiny.dispose();
			core.close();
			await rm(dir, { recursive: true, force: true });
		}
	});

	it('applies the full-text filters (tag, folder) to semantic and hybrid search', async () => {
		const { core } = await openCore();
		const ids = await seed(core);
		const folder = await core.library.createFolder('Work', null);
		await core.library.movePrompts([ids['sql-helper'], ids['email-summary']], folder.id);
		const service = new SemanticService({ db: core.db, fullText: core.search, embedder: model });

		const byTag = await service.search('translate text into another language', {
			filters: { tag: 'data' },
			minScore: -1
		});
		expect(byTag.map((h) => h.name)).toEqual(['sql-helper']);
		const inFolder = await service.search('summarize an email', {
			filters: { folderId: folder.id },
			minScore: -1
		});
		expect(inFolder.map((h) => h.name).sort()).toEqual(['email-summary', 'sql-helper']);
		const hybrid = await service.hybrid('French', { filters: { folderId: folder.id } });
		expect(hybrid.map((h) => h.name)).not.toContain('french-translator');
		core.close();
	});

	it('ranks by fused evidence in hybrid search and finds similar prompts', async () => {
		const { core } = await openCore();
		const ids = await seed(core);
		await core.library.createPrompt({
			name: 'spanish-translator',
			content: 'Translate the passage into Spanish, keeping the tone.'
		});
		const service = new SemanticService({ db: core.db, fullText: core.search, embedder: model });
		const hybrid = await service.hybrid('orders');
		expect(hybrid[0]).toMatchObject({ name: 'sql-helper', fullTextRank: 1 });
		expect(hybrid[0].semanticRank).not.toBeNull();

		const similar = await service.similarTo(ids['french-translator']);
		expect(similar[0].name).toBe('spanish-translator');
		expect(similar.map((h) => h.id)).not.toContain(ids['french-translator']);
		core.close();
	});

	it('keeps vectors current when the library changes (events, debounced)', async () => {
		const { core } = await openCore();
		await seed(core);
		const counting = new CountingEmbedder(model);
		const service = new SemanticService({
			db: core.db,
			fullText: core.search,
			embedder: counting,
			events: core.events,
			debounceMs: 5
		});
		await service.sync();
		counting.texts = [];
		await core.library.createPrompt({ name: 'recipe-ideas', content: 'Suggest dinner recipes.' });
		const hits = await service.search('cooking a meal');
		expect(hits[0].name).toBe('recipe-ideas');
		expect(counting.texts.filter((t) => t.includes('recipes'))).toHaveLength(1);
		await service.dispose();
		core.close();
	});

	it('reports near-duplicates and a clustered map of the library', async () => {
		const { core } = await openCore();
		const ids = await seed(core);
		const copy = await core.library.createPrompt({
			name: 'email-summary-copy',
			content: LIBRARY[0].content,
			tags: ['support']
		});
		const service = new SemanticService({ db: core.db, fullText: core.search, embedder: model });
		const pairs = await service.nearDuplicates(0.9);
		expect(pairs).toHaveLength(1);
		expect([pairs[0].a, pairs[0].b].sort()).toEqual([ids['email-summary'], copy.id].sort());

		const map = await service.map({ k: 2 });
		expect(map.ids).toHaveLength(5);
		expect(map.points).toHaveLength(5);
		expect(new Set(map.assignments).size).toBe(2);
		const a = map.ids.indexOf(ids['email-summary']);
		const b = map.ids.indexOf(copy.id);
		expect(map.assignments[a]).toBe(map.assignments[b]);
		core.close();
	});
});
