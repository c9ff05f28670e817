import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openTestCore } from '../../../../tests/support/core';
import { SyncBridge } from './bridge';
import { WorkspaceDocs } from './workspace-docs';
import { promptDocParts, readWorkingCopy } from './ydoc-model';
import type { Prompt } from '../model/prompt';

async function setup() {
	const core = await openTestCore({ author: () => 'ana' });
	let bridge: SyncBridge | null = null;
	const docs = new WorkspaceDocs({
		workspace: 'w',
		onPromptDoc: (id, doc) => bridge?.watchPromptDoc(id, doc)
	});
	bridge = new SyncBridge({ db: core.db, events: core.events, docs });
	bridge.start();
	await docs.open();
	return { core, docs, bridge };
}

describe('sync bridge', () => {
	it('writes local library changes into the workspace documents', async () => {
		const { core, docs, bridge } = await setup();
		const f = await core.library.createFolder('Ops');
		const p = await core.library.createPrompt({ name: 'a', content: 'hello', folderId: f.id });
		await core.library.updatePrompt(p.id, { content: 'hello world', tags: ['x'] });
		await bridge.flush();
		expect(docs.maps.prompts.get(p.id)?.get('tags')).toEqual(['x']);
		expect(docs.maps.folders.get(f.id)?.get('name')).toBe('Ops');
		const doc = await docs.prompt(p.id);
		expect(readWorkingCopy(promptDocParts(doc)).content).toBe('hello world');
		expect(docs.maps.markers.get(p.id)?.size).toBe(1);
		await core.library.deletePrompts([p.id]);
		await bridge.flush();
		expect(docs.maps.prompts.get(p.id)?.get('deletedAt')).toBeTypeOf('number');
		await core.library.purgePrompts([p.id]);
		await bridge.flush();
		expect(docs.maps.prompts.has(p.id)).toBe(false);
		core.close();
	});

	it('projects remote updates into the database and announces them without echoing back', async () => {
		const a = await setup();
		const b = await setup();
		const p = await a.core.library.createPrompt({ name: 'shared', content: 'v1' });
		await a.bridge.flush();
		const seen: Prompt[] = [];
		b.core.events.on('prompts:changed', (c) => seen.push(...c.upserted));
		const before = Y.encodeStateVector(b.docs.index);
		Y.applyUpdate(b.docs.index, Y.encodeStateAsUpdate(a.docs.index));
		const bDoc = await b.docs.prompt(p.id);
		Y.applyUpdate(bDoc, Y.encodeStateAsUpdate(await a.docs.prompt(p.id)));
		await b.bridge.flush();
		const got = await b.core.library.getPrompt(p.id);
		expect(got.content).toBe('v1');
		expect(got.name).toBe('shared');
		expect(seen.some((x) => x.id === p.id)).toBe(true);
		// Nothing new was written on b's side for a remote change (no echo).
		const diff = Y.encodeStateAsUpdate(b.docs.index, Y.encodeStateVector(a.docs.index));
		expect(Y.decodeUpdate(diff).structs.length).toBe(0);
		expect(before.length).toBeGreaterThan(0);
		a.core.close();
		b.core.close();
	});

	it('rebuilds the projection from the documents', async () => {
		const { core, bridge } = await setup();
		const p = await core.library.createPrompt({ name: 'keep', content: 'text' });
		await bridge.flush();
		await core.db.prompts.clear();
		await core.db.prompts.put({ ...p, id: 'stray', name: 'stray' });
		await bridge.rebuildProjection();
		expect((await core.db.prompts.toArray()).map((x) => [x.id, x.content])).toEqual([
			[p.id, 'text']
		]);
		core.close();
	});

	it('merges a label moved on two devices to the same winner and keeps both moves in history', async () => {
		const a = await setup();
		const b = await setup();
		const p = await a.core.library.createPrompt({ name: 'lab', content: 'one' });
		const v1 = await a.core.vcs.commit(p.id, 'first');
		await a.bridge.flush();
		Y.applyUpdate(b.docs.index, Y.encodeStateAsUpdate(a.docs.index));
		Y.applyUpdate(await b.docs.prompt(p.id), Y.encodeStateAsUpdate(await a.docs.prompt(p.id)));
		await b.bridge.flush();
		await b.core.library.updatePrompt(p.id, { content: 'two' });
		const v2 = await b.core.vcs.commit(p.id, 'second');
		await a.core.vcs.setLabel(p.id, 'production', v1.id);
		await b.core.vcs.setLabel(p.id, 'production', v2.id);
		await a.bridge.flush();
		await b.bridge.flush();
		Y.applyUpdate(b.docs.index, Y.encodeStateAsUpdate(a.docs.index));
		Y.applyUpdate(a.docs.index, Y.encodeStateAsUpdate(b.docs.index));
		Y.applyUpdate(await a.docs.prompt(p.id), Y.encodeStateAsUpdate(await b.docs.prompt(p.id)));
		await a.bridge.flush();
		await b.bridge.flush();
		const la = await a.core.db.labels.get([p.id, 'production']);
		const lb = await b.core.db.labels.get([p.id, 'production']);
		expect(la?.versionId).toBe(lb?.versionId);
		const history = await a.core.db.labelEvents.where('promptId').equals(p.id).toArray();
		expect(history.map((e) => e.to).sort()).toEqual([v1.id, v2.id].sort());
		a.core.close();
		b.core.close();
	});
});
