import { afterEach, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/lib/core/app-core';
import type { PromptInput } from '../../src/lib/core/library/library-service';
import type { ChatMessage } from '../../src/lib/core/model/prompt';
import type { LiveBinding } from '../../src/lib/core/sync/sync-service';
import { presentUsers } from '../../src/lib/core/sync/presence';
import { relayScope, type TestRelay } from '../../sync-server/testing/harness';
import { relayDevices, settle } from '../support/relay-devices';

const relays = relayScope(afterEach);
let relay: TestRelay;
const { device, join } = relayDevices(relays, () => relay);

/**
 * What the prompt page does with a live binding: the editor shows the shared text and saves the
 * working copy after every change of it (its own keystrokes and everyone else's), through the
 * editor's autosave.
 */
function openEditor(core: AppCore, promptId: string, live: LiveBinding) {
	const EDITOR = { editor: promptId };
	let saving = Promise.resolve();
	const save = () => {
		const wc = { content: live.ytext.toString(), messages: live.messages.read() };
		saving = saving.then(async () => {
			await core.library.updatePrompt(promptId, wc, { editor: true });
		});
	};
	live.ytext.observe(save);
	const offMessages = live.messages.observe(save);
	return {
		/** Types `text` at the end of the text, as a keystroke in the editor. */
		type(text: string) {
			live.ytext.doc!.transact(() => live.ytext.insert(live.ytext.length, text), EDITOR);
		},
		/** Types `text` at the end of message `index`. */
		typeInMessage(index: number, text: string) {
			const t = live.messages.list()[index].text!;
			t.doc!.transact(() => t.insert(t.length, text), EDITOR);
		},
		saved: () => saving,
		close() {
			live.ytext.unobserve(save);
			offMessages();
			live.release();
		}
	};
}

async function until(what: string, check: () => Promise<boolean> | boolean) {
	for (let i = 0; i < 300; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 30));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** Ana and Ben in one workspace, both with `input`'s prompt open in an editor bound live. */
async function twoEditors(input: PromptInput) {
	relay = await relays.start();
	const a = await device('ana');
	const b = await device('ben');
	const p = await a.library.createPrompt(input);
	await join(a);
	await settle(a);
	await join(b);
	await settle(a, b);
	const liveA = (await a.sync.openForEditing(p.id))!;
	const liveB = (await b.sync.openForEditing(p.id))!;
	const edA = openEditor(a, p.id, liveA);
	const edB = openEditor(b, p.id, liveB);
	return { a, b, p, liveA, liveB, edA, edB };
}

describe('version operations on a prompt open for live co-editing', () => {
	it('switching back to main while the prompt is open live puts main into the shared text on both devices, and the next keystroke keeps it', async () => {
		const { a, b, p, liveA, liveB, edA, edB } = await twoEditors({
			name: 'greet',
			content: 'Hello from main.'
		});
		const main = await a.vcs.commit(p.id, 'first');
		await a.vcs.createBranch(p.id, 'exp', main.id, { checkout: true });
		edA.type(' Branch line.');
		await edA.saved();
		await a.vcs.commit(p.id, 'on exp');
		await until('b sees the branch text', () => liveB.ytext.toString().endsWith('Branch line.'));

		await a.vcs.checkout(p.id, 'main');
		await a.sync.flush();
		// (a) the live document holds main again,
		expect(liveA.ytext.toString()).toBe('Hello from main.');
		// (b) the other device's open editor receives it,
		await until('b sees main', () => liveB.ytext.toString() === 'Hello from main.');
		await edB.saved();
		// (c) and the next keystroke builds on main instead of bringing the branch back.
		edA.type('!');
		await edA.saved();
		await edB.saved();
		expect((await a.library.getPrompt(p.id)).content).toBe('Hello from main.!');
		await until('b sees the keystroke', () => liveB.ytext.toString() === 'Hello from main.!');
		await settle(a, b);
		expect((await b.library.getPrompt(p.id)).content).toBe('Hello from main.!');
		expect((await a.vcs.status(p.id)).branch).toBe('main');
		edA.close();
		edB.close();
	});

	it('a rollback reaches the open editors of a chat prompt, message by message', async () => {
		const v1Messages: ChatMessage[] = [
			{ role: 'system', content: 'You are terse.' },
			{ role: 'user', content: 'Summarise {{ doc }}.' }
		];
		const { a, b, p, liveA, liveB, edA, edB } = await twoEditors({
			name: 'chat',
			type: 'chat',
			messages: v1Messages
		});
		const v1 = await a.vcs.commit(p.id, 'first');
		edA.typeInMessage(0, ' Use bullet points.');
		liveA.messages.add('assistant', 'Sure.');
		await edA.saved();
		await a.vcs.commit(p.id, 'second');
		await until('b sees three messages', () => liveB.messages.read().length === 3);

		await a.vcs.rollback(p.id, v1.id);
		await a.sync.flush();
		expect(liveA.messages.read()).toEqual(v1Messages);
		await until('b sees the rollback', () => same(liveB.messages.read(), v1Messages));
		await edB.saved();
		edA.typeInMessage(1, ' Briefly.');
		await edA.saved();
		await edB.saved();
		const want = [v1Messages[0], { role: 'user', content: 'Summarise {{ doc }}. Briefly.' }];
		expect((await a.library.getPrompt(p.id)).messages).toEqual(want);
		await until('b sees the keystroke', () => same(liveB.messages.read(), want));
		await settle(a, b);
		expect((await b.library.getPrompt(p.id)).messages).toEqual(want);
		edA.close();
		edB.close();
	});
});

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

describe('presence of a prompt reopened for editing', () => {
	const names = (live: LiveBinding) =>
		presentUsers(
			live.awareness.getStates() as Map<number, Record<string, unknown>>,
			live.awareness.clientID
		)
			.filter((u) => !u.self)
			.map((u) => u.name);

	it('shows a co-editor again at once after they leave the prompt and come back', async () => {
		const { a, p, liveA, liveB } = await twoEditors({ name: 'greet', content: 'Hi.' });
		await until('ben sees ana', () => names(liveB).includes('ana'));
		liveA.release();
		await until('ana left', () => !names(liveB).includes('ana'));
		const again = (await a.sync.openForEditing(p.id))!;
		// Well before the 15 s presence renewal: a fresh presence state would stay ignored till then.
		await until('ben sees ana again', () => names(liveB).includes('ana'));
		await until('ana sees ben', () => names(again).includes('ben'));
		again.release();
	});
});
