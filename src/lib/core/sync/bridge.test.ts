import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bridgedCore } from '../../../../tests/support/bridged-core';
import { openTestCore } from '../../../../tests/support/core';
import { promptDocParts, readWorkingCopy } from './ydoc-model';
import type { Prompt } from '../model/prompt';

const setup = async () => bridgedCore(await openTestCore({ author: () => 'ana' }));

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

	it('announces remote changes as remote and keeps them out of the local audit log', async () => {
		const a = await setup();
		const b = await setup();
		const p = await a.core.library.createPrompt({ name: 'shared', content: 'v1' });
		const v1 = await a.core.vcs.commit(p.id, 'first');
		await a.bridge.flush();
		const flags: Array<boolean | undefined> = [];
		b.core.events.on('prompts:changed', (c) => flags.push(c.remote));
		Y.applyUpdate(b.docs.index, Y.encodeStateAsUpdate(a.docs.index));
		Y.applyUpdate(await b.docs.prompt(p.id), Y.encodeStateAsUpdate(await a.docs.prompt(p.id)));
		await b.bridge.flush();
		expect(flags).toEqual([true]);
		expect((await b.core.db.versions.get(v1.id))?.id).toBe(v1.id);
		// A local commit on b afterwards is b's only entry for this prompt.
		await b.core.library.updatePrompt(p.id, { content: 'v2' });
		const v2 = await b.core.vcs.commit(p.id, 'second');
		const targets = async () => (await b.core.audit.list()).map((e) => e.target);
		for (let i = 0; i < 200 && !(await targets()).includes(`version:${v2.id}`); i++)
			await new Promise((r) => setTimeout(r, 10));
		const entries = await b.core.audit.list();
		expect(entries.map((e) => [e.action, e.target])).toEqual([['commit', `version:${v2.id}`]]);
		// On a, the same facts are local: create and commit are recorded.
		const onA = (await a.core.audit.list()).map((e) => e.target);
		expect(onA).toEqual(expect.arrayContaining([`prompt:${p.id}`, `version:${v1.id}`]));
		a.core.close();
		b.core.close();
	});

	it('renames prompts created offline with the same name the same way on every device', async () => {
		const a = await setup();
		const b = await setup();
		const pa = await a.core.library.createPrompt({ name: 'greeting', content: 'from a' });
		const pb = await b.core.library.createPrompt({ name: 'greeting', content: 'from b' });
		await a.bridge.flush();
		await b.bridge.flush();
		const exchange = async () => {
			const ua = Y.encodeStateAsUpdate(a.docs.index);
			const ub = Y.encodeStateAsUpdate(b.docs.index);
			Y.applyUpdate(b.docs.index, ua);
			Y.applyUpdate(a.docs.index, ub);
			for (const id of [pa.id, pb.id]) {
				const da = await a.docs.prompt(id);
				const db = await b.docs.prompt(id);
				const [xa, xb] = [Y.encodeStateAsUpdate(da), Y.encodeStateAsUpdate(db)];
				Y.applyUpdate(db, xa);
				Y.applyUpdate(da, xb);
			}
			await a.bridge.flush();
			await b.bridge.flush();
		};
		await exchange();
		await exchange();
		const [keep, moved] = [pa, pb].sort((x, y) => (x.id < y.id ? -1 : 1));
		const expected = [
			[keep.id, 'greeting'],
			[moved.id, `greeting-${moved.id.slice(0, 6)}`]
		].sort();
		for (const side of [a, b]) {
			const rows = (await side.core.db.prompts.toArray()).map((p) => [p.id, p.name]).sort();
			expect(rows).toEqual(expected);
			expect(side.docs.maps.prompts.get(moved.id)?.get('name')).toBe(
				`greeting-${moved.id.slice(0, 6)}`
			);
		}
		expect((await b.core.library.getPrompt(pa.id)).content).toBe('from a');
		expect((await a.core.library.getPrompt(pb.id)).content).toBe('from b');
		a.core.close();
		b.core.close();
	});

	it('projects every later remote change of prompt metadata, not only the first', async () => {
		const a = await setup();
		const b = await setup();
		const p = await a.core.library.createPrompt({ name: 'meta', content: 'x' });
		const ship = async () => {
			await a.bridge.flush();
			Y.applyUpdate(b.docs.index, Y.encodeStateAsUpdate(a.docs.index));
			await b.bridge.flush();
		};
		await ship();
		await a.core.library.updatePrompt(p.id, { tags: ['one'] });
		await ship();
		expect((await b.core.library.getPrompt(p.id)).tags).toEqual(['one']);
		await a.core.library.renamePrompt(p.id, 'meta-renamed');
		await ship();
		expect((await b.core.library.getPrompt(p.id)).name).toBe('meta-renamed');
		a.core.close();
		b.core.close();
	});

	it('writes nothing into the index when a prompt open for co-editing is saved with new text only', async () => {
		const { core, docs, bridge } = await setup();
		const p = await core.library.createPrompt({ name: 'live', content: 'a' });
		await bridge.flush();
		bridge.setLive(p.id, true);
		const before = Y.encodeStateVector(docs.index);
		await core.library.updatePrompt(p.id, { content: 'a, typed elsewhere' });
		await bridge.flush();
		expect(Y.decodeUpdate(Y.encodeStateAsUpdate(docs.index, before)).structs).toEqual([]);
		await core.library.updatePrompt(p.id, { tags: ['kept'] });
		await bridge.flush();
		expect(docs.maps.prompts.get(p.id)?.get('tags')).toEqual(['kept']);
		core.close();
	});
});
