import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bridgedCore as bridged } from '../../../../../tests/support/bridged-core';
import { openTestCore } from '../../../../../tests/support/core';

async function until(check: () => Promise<boolean>, what: string) {
	for (let i = 0; i < 300; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error(`timed out waiting for ${what}`);
}

describe('audit recorder', () => {
	it('never records another device’s prompt, versions or label moves as local, even after a reload', async () => {
		const a = await bridged(await openTestCore({ author: () => 'ana' }));
		const p = await a.core.library.createPrompt({ name: 'shared', content: 'v1' });
		const v1 = await a.core.vcs.commit(p.id, 'first');
		await a.core.vcs.setLabel(p.id, 'staging', v1.id);
		await a.bridge.flush();

		// Ben's device receives Ana's prompt, version and label move, then is closed.
		const storage = {
			name: `ben-${crypto.randomUUID()}`,
			indexedDB: new IDBFactory(),
			IDBKeyRange
		};
		const b = await bridged(await openTestCore({ ...storage, author: () => 'ben' }));
		Y.applyUpdate(b.docs.index, Y.encodeStateAsUpdate(a.docs.index));
		Y.applyUpdate(await b.docs.prompt(p.id), Y.encodeStateAsUpdate(await a.docs.prompt(p.id)));
		await b.bridge.flush();
		expect(await b.core.db.labelEvents.where('promptId').equals(p.id).count()).toBe(1);
		b.bridge.stop();
		await b.core.close();

		// Reloaded (nothing of the earlier session in memory), Ben changes the prompt himself.
		const ben = await openTestCore({ ...storage, author: () => 'ben' });
		await ben.library.updatePrompt(p.id, { content: 'v2' });
		const v2 = await ben.vcs.commit(p.id, 'second');
		await ben.vcs.setLabel(p.id, 'staging', v2.id);
		const move = (await ben.db.labelEvents.where('promptId').equals(p.id).toArray()).find(
			(e) => e.to === v2.id
		)!;
		await until(
			async () => (await ben.audit.list()).some((e) => e.target === `labelEvent:${move.id}`),
			'the label move to be recorded'
		);
		await ben.close();
		const reopened = await openTestCore({ ...storage, author: () => 'ben' });
		const entries = await reopened.audit.list();
		expect(entries.map((e) => [e.action, e.target])).toEqual([
			['commit', `version:${v2.id}`],
			['label.move', `labelEvent:${move.id}`]
		]);
		expect(await reopened.audit.verify()).toMatchObject({ ok: true, count: 2 });
		await reopened.close();
		a.bridge.stop();
		await a.core.close();
	});
});
