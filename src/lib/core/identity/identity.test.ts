import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openAppCore, type AppCore } from '../app-core';
import { PALETTE, defaultColor, distinctColor, IDENTITY_SETTING } from './identity';

const opened: AppCore[] = [];
afterEach(async () => {
	await Promise.all(opened.splice(0).map((c) => c.close()));
});

/** One device: reopening the same IndexedDB is a reload. */
function device() {
	const indexedDB = new IDBFactory();
	const name = `identity-${crypto.randomUUID()}`;
	return async () => {
		const core = await openAppCore({ name, indexedDB, IDBKeyRange });
		opened.push(core);
		return core;
	};
}

describe('identity settings', () => {
	it('keeps the chosen name and colour across a reload and records the name on prompts and commits', async () => {
		const open = device();
		const first = await open();
		await first.identity.set({ name: '  Ada Lovelace ', color: '#DC2626' });
		await first.close();
		opened.length = 0;

		const core = await open();
		expect(core.identity.current).toEqual({ name: 'Ada Lovelace', color: '#dc2626' });
		const p = await core.library.createPrompt({ name: 'greet', content: 'Hi' });
		expect(p.author).toBe('Ada Lovelace');
		const v = await core.vcs.commit(p.id, 'First');
		expect(v.author).toBe('Ada Lovelace');
	});

	it('refuses a colour that is not #rrggbb and a name over 60 characters, keeping the old one', async () => {
		const core = await device()();
		await core.identity.set({ name: 'ada', color: null });
		await expect(core.identity.set({ name: 'ada', color: 'red' })).rejects.toThrow(/#rrggbb/);
		await expect(core.identity.set({ name: 'x'.repeat(61), color: null })).rejects.toThrow(
			/60 characters/
		);
		expect(core.identity.current).toEqual({ name: 'ada', color: null });
	});

	it('takes the relay user as the name only while none is chosen, and reads a corrupt record as none', async () => {
		const open = device();
		const core = await open();
		await core.identity.prefill('ada');
		expect(core.identity.current.name).toBe('ada');
		await core.identity.set({ name: 'Ada L.', color: null });
		await core.identity.prefill('someone-else');
		expect(core.identity.current.name).toBe('Ada L.');
		await core.db.settings.put({ key: IDENTITY_SETTING, value: { name: 3 } });
		await core.close();
		opened.length = 0;
		expect((await open()).identity.current).toEqual({ name: '', color: null });
	});
});

describe('colours of co-editors', () => {
	it('gives a name the same palette colour everywhere', () => {
		expect(defaultColor('ada')).toBe(defaultColor('ada'));
		expect(PALETTE).toContain(defaultColor('ada'));
	});

	it('keeps my colour unless someone who outranks me shows it, then takes a free one', () => {
		const [blue, red, green] = PALETTE;
		const me = (clientId: number, chosen = false) => ({ clientId, chosen });
		expect(distinctColor(blue, me(5), [{ clientId: 9, color: blue }])).toBe(blue);
		expect(distinctColor(blue, me(5), [{ clientId: 5, color: blue }])).toBe(blue);
		expect(
			distinctColor(blue, me(9), [
				{ clientId: 5, color: blue },
				{ clientId: 7, color: red }
			])
		).toBe(green);
		// A picked colour outranks a default one, whatever the client ids.
		expect(distinctColor(red, me(9, true), [{ clientId: 2, color: red }])).toBe(red);
		expect(distinctColor(red, me(2), [{ clientId: 9, color: red, chosen: true }])).toBe(blue);
		// Both sides apply the rule: the two end with different colours.
		const a = distinctColor(blue, me(3, true), [{ clientId: 8, color: blue, chosen: true }]);
		const b = distinctColor(blue, me(8, true), [{ clientId: 3, color: a, chosen: true }]);
		expect(a).not.toBe(b);
	});
});
