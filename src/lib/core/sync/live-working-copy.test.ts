import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bridgedCore } from '../../../../tests/support/bridged-core';
import { openTestCore } from '../../../../tests/support/core';
import { applyTextDiff, promptDocParts } from './ydoc-model';

const EDITOR = 'test:editor';

/** A device with a prompt open live, as `SyncService.openForEditing` opens it. */
async function liveDevice(content = 'alpha beta gamma') {
	const side = await bridgedCore(await openTestCore({ author: () => 'ana' }));
	const p = await side.core.library.createPrompt({ name: 'live', content });
	await side.bridge.flush();
	const doc = await side.docs.prompt(p.id);
	side.bridge.setLive(p.id, true, await side.core.library.getPrompt(p.id));
	const text = promptDocParts(doc).content;
	const type = (at: number, s: string) => doc.transact(() => text.insert(at, s), EDITOR);
	return { ...side, p, doc, text, type };
}

describe('working copy of a prompt open live', () => {
	it('a save of other fields with an older text does not undo what was typed since', async () => {
		const d = await liveDevice('draft');
		d.type(5, ' typed');
		// The editor's save is still pending: the database has the older text.
		await d.core.library.renamePrompt(d.p.id, 'renamed');
		await d.core.library.updatePrompt(d.p.id, { tags: ['t'] });
		await d.bridge.flush();
		expect(d.text.toString()).toBe('draft typed');
		expect(d.docs.maps.prompts.get(d.p.id)?.get('name')).toBe('renamed');
		d.core.close();
	});

	it("the editor's own save of an older text leaves the document alone", async () => {
		const d = await liveDevice('abc');
		d.type(3, 'd');
		await d.core.library.updatePrompt(d.p.id, { content: 'abcd' }, { editor: true });
		d.type(4, 'e');
		await d.core.library.updatePrompt(d.p.id, { content: 'abcd' }, { editor: true });
		await d.bridge.flush();
		expect(d.text.toString()).toBe('abcde');
		d.core.close();
	});

	it('an undo of an applied suggestion and an import that replaces the prompt reach the document', async () => {
		const d = await liveDevice('be brief');
		await d.core.library.updatePrompt(
			d.p.id,
			{ content: 'be brief and polite' },
			{ undoable: true }
		);
		await d.bridge.flush();
		expect(d.text.toString()).toBe('be brief and polite');
		await d.core.library.undo();
		await d.bridge.flush();
		expect(d.text.toString()).toBe('be brief');
		const file = JSON.parse(await d.core.backup.exportText('json'));
		file.prompts[0].content = 'restored from backup';
		await d.core.backup.importText(JSON.stringify(file), 'replace');
		await d.bridge.flush();
		expect(d.text.toString()).toBe('restored from backup');
		d.core.close();
	});

	it('a checkout is written as a local change: sent to other devices, never projected back', async () => {
		const d = await liveDevice('alpha beta gamma');
		const v1 = await d.core.vcs.commit(d.p.id, 'one');
		await d.core.vcs.createBranch(d.p.id, 'exp', v1.id, { checkout: true });
		d.type(16, ' delta');
		await d.core.library.updatePrompt(d.p.id, { content: d.text.toString() }, { editor: true });
		await d.core.vcs.commit(d.p.id, 'two');
		await d.bridge.flush();
		const origins: unknown[] = [];
		d.text.observe((_e, tr) => origins.push(tr.origin));
		await d.core.vcs.checkout(d.p.id, 'main');
		await d.bridge.flush();
		expect(d.text.toString()).toBe('alpha beta gamma');
		expect(origins).toEqual(['promptloom:local']);
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(d.doc));
		expect(other.getText('content').toString()).toBe('alpha beta gamma');
		expect((await d.core.library.getPrompt(d.p.id)).content).toBe('alpha beta gamma');
		d.core.close();
	});
});

describe('applyTextDiff', () => {
	const text = (s: string) => {
		const doc = new Y.Doc();
		const t = doc.getText('t');
		t.insert(0, s);
		return t;
	};

	it('keeps the characters that stay, so a cursor between two edits stays on its word', () => {
		const t = text('alpha beta gamma');
		const cursor = Y.createRelativePositionFromTypeIndex(t, 6);
		applyTextDiff(t, 'Alpha beta gammas');
		expect(t.toString()).toBe('Alpha beta gammas');
		expect(Y.createAbsolutePositionFromRelativePosition(cursor, t.doc!)?.index).toBe(6);
	});

	it('merges with a concurrent edit elsewhere in the text', () => {
		const a = text('one two three four');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc!));
		const bt = b.getText('t');
		bt.insert(8, 'and a half ');
		applyTextDiff(a, 'ONE two three FOUR');
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc!));
		Y.applyUpdate(a.doc!, Y.encodeStateAsUpdate(b));
		expect(a.toString()).toBe('ONE two and a half three FOUR');
		expect(bt.toString()).toBe(a.toString());
	});

	it('never splits an emoji and falls back to one replacement for very different texts', () => {
		const t = text('smile 😀 now');
		applyTextDiff(t, 'smile 😁 now');
		expect(t.toString()).toBe('smile 😁 now');
		const big = 'x'.repeat(20_000);
		const other = 'y'.repeat(20_000);
		const u = text(big);
		applyTextDiff(u, other);
		expect(u.toString()).toBe(other);
	});
});
