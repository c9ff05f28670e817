import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { isPromptloomError } from '../model/errors';
import { createDatabase } from '../store/db';
import { FEWSHOT_SETTINGS_KEY, FewShotService } from './fewshot-service';

function setup() {
	const db = createDatabase({ name: 'fewshot', indexedDB: new IDBFactory(), IDBKeyRange });
	return { db, service: new FewShotService(db) };
}

const tone = { name: 'tone', examples: [{ input: 'hi', output: 'Hello there!' }] };

describe('FewShotService', () => {
	it('round-trips sets through the settings table, sorted by name', async () => {
		const { db, service } = setup();
		expect(await service.list()).toEqual([]);
		await service.create(tone);
		await service.create({ name: 'apology', examples: [] });
		expect(await service.list()).toEqual([{ name: 'apology', examples: [] }, tone]);
		// A fresh service over the same database reads the same sets back.
		expect((await new FewShotService(db).list()).map((s) => s.name)).toEqual(['apology', 'tone']);
		await service.save({
			...tone,
			examples: [...tone.examples, { input: 'bye', output: 'Farewell!' }]
		});
		expect((await service.list())[1].examples).toHaveLength(2);
		await service.remove('apology');
		expect((await service.list()).map((s) => s.name)).toEqual(['tone']);
	});

	it('refuses a duplicate name on create and on rename', async () => {
		const { service } = setup();
		await service.create(tone);
		await service.create({ name: 'formal', examples: [] });
		await expect(service.create({ name: 'tone', examples: [] })).rejects.toSatisfy((e) =>
			isPromptloomError(e, 'conflict')
		);
		await expect(service.save({ name: 'tone', examples: [] }, 'formal')).rejects.toThrow(
			/already exists/
		);
		await service.save({ ...tone, name: 'tone-v2' }, 'tone');
		expect((await service.list()).map((s) => s.name)).toEqual(['formal', 'tone-v2']);
	});

	it('refuses names that are not slug-like and removing an unknown set', async () => {
		const { service } = setup();
		await expect(service.create({ name: 'My Tone', examples: [] })).rejects.toSatisfy((e) =>
			isPromptloomError(e, 'validation')
		);
		await expect(service.remove('nope')).rejects.toSatisfy((e) =>
			isPromptloomError(e, 'not_found')
		);
	});

	it('reports a malformed stored value clearly, renders ignore it, and a save repairs it', async () => {
		const { db, service } = setup();
		await db.settings.put({ key: FEWSHOT_SETTINGS_KEY, value: [{ name: 'tone', examples: 'x' }] });
		await expect(service.list()).rejects.toThrow(
			/stored few-shot sets \("fewshot:sets"\) are malformed at 0\.examples/
		);
		expect(await service.listOrEmpty()).toEqual([]);
		await service.create(tone);
		expect(await service.list()).toEqual([tone]);
	});
});
