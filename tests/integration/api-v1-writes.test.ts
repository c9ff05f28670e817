/**
 * `/v1` writes against a real relay with a connected app device: a commit carries every metadata
 * field a prompt file has and is seen by the app; a commit based on a head that is no longer
 * main's is refused with 409 and writes nothing; a read key cannot write; DELETE moves the prompt
 * to the app's trash, and only while main is still at the expected version.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { apiFetch, cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });

describe('/v1 writes', () => {
	it('commits text and all metadata on main, guarded by the expected parent', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		const greet = await commitPrompt(core, { name: 'greet', content: 'Hello {{ name }}!' });
		await settle(core);
		const key = await cliKey(relay, 'team', 'write', 'ci-bot');

		const res = await apiFetch(
			relay,
			'/v1/prompts/greet/versions',
			key.secretKey,
			post({
				type: 'text',
				template: 'Hi {{ name }}.',
				description: 'Greets a customer',
				intent: 'greeting',
				customFields: [{ key: 'owner', type: 'string', value: 'support' }],
				templateOptions: { trimBlocks: true, lstripBlocks: false },
				tags: ['demo'],
				config: { model: 'gpt-4o-mini', temperature: 0.3, params: {} },
				message: 'shorter',
				expectedParent: greet.versionId
			})
		);
		expect(res.status).toBe(201);
		const body = (await res.json()) as {
			version: { id: string; number: number };
			changed: boolean;
		};
		expect(body).toMatchObject({ name: 'greet', created: false, changed: true });
		expect(body.version.number).toBe(2);

		await waitFor(
			async () => (await core.vcs.history(greet.id)).length === 2,
			'the app sees the commit'
		);
		const [head] = await core.vcs.history(greet.id);
		expect(head).toMatchObject({ id: body.version.id, author: 'ci-bot', message: 'shorter' });
		expect(head.metadata).toMatchObject({
			description: 'Greets a customer',
			intent: 'greeting',
			customFields: [{ key: 'owner', type: 'string', value: 'support' }],
			templateOptions: { trimBlocks: true, lstripBlocks: false },
			tags: ['demo']
		});
		await waitFor(
			async () => (await core.library.findByName('greet'))?.description === 'Greets a customer',
			'the clean working copy takes the new metadata'
		);

		// Based on version 1 again: main moved, so nothing is written.
		const stale = await apiFetch(
			relay,
			'/v1/prompts/greet/versions',
			key.secretKey,
			post({
				type: 'text',
				template: 'Yo {{ name }}',
				message: 'stale',
				expectedParent: greet.versionId
			})
		);
		expect(stale.status).toBe(409);
		expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(
			/main of "greet" moved/
		);
		const again = await apiFetch(relay, '/v1/prompts/greet', key.secretKey);
		expect(again.status).toBe(404); // no production label yet
		const latest = await apiFetch(relay, '/v1/prompts/greet?label=latest', key.secretKey);
		expect(((await latest.json()) as { template: string }).template).toBe('Hi {{ name }}.');

		// A new prompt with expectedParent null; the same name again is a conflict.
		const created = await apiFetch(
			relay,
			'/v1/prompts/support/versions',
			key.secretKey,
			post({
				type: 'chat',
				messages: [
					{ role: 'system', content: 'You help with {{ product }}.' },
					{ role: 'user', content: '{{ question }}' }
				],
				message: 'new',
				expectedParent: null
			})
		);
		expect(created.status).toBe(201);
		expect(await created.json()).toMatchObject({ created: true, version: { number: 1 } });
		const dup = await apiFetch(
			relay,
			'/v1/prompts/support/versions',
			key.secretKey,
			post({ type: 'text', template: 'x', message: 'dup', expectedParent: null })
		);
		expect(dup.status).toBe(409);
		await waitFor(
			async () => (await core.library.findByName('support'))?.messages.length === 2,
			'the app sees the new chat prompt'
		);
	});

	it('refuses writes with a read key and invalid bodies before writing', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'greet', content: 'Hello' });
		await settle(core);
		const read = await cliKey(relay, 'team', 'read');
		const write = await cliKey(relay, 'team', 'write');
		const denied = await apiFetch(
			relay,
			'/v1/prompts/greet/versions',
			read.secretKey,
			post({ type: 'text', template: 'x', message: 'm' })
		);
		expect(denied.status).toBe(403);
		const noMessage = await apiFetch(
			relay,
			'/v1/prompts/greet/versions',
			write.secretKey,
			post({ type: 'text', template: 'x', message: '' })
		);
		expect(noMessage.status).toBe(400);
		expect(((await noMessage.json()) as { error: { message: string } }).error.message).toMatch(
			/commit message/
		);
		const badField = await apiFetch(
			relay,
			'/v1/prompts/greet/versions',
			write.secretKey,
			post({
				type: 'text',
				template: 'x',
				message: 'm',
				customFields: [{ key: 'n', type: 'number', value: 'seven' }]
			})
		);
		expect(badField.status).toBe(400);
		expect((await apiFetch(relay, '/v1/prompts/greet?label=latest', write.secretKey)).status).toBe(
			200
		);
		const history = await (
			await apiFetch(relay, '/v1/prompts/greet?label=latest', write.secretKey)
		).json();
		expect((history as { template: string }).template).toBe('Hello');
	});

	it('moves a prompt to the trash only while main is at the expected version', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		const p = await commitPrompt(core, { name: 'old-greeting', content: 'Hello' });
		await settle(core);
		const key = await cliKey(relay, 'team', 'write');

		const wrong = await apiFetch(
			relay,
			'/v1/prompts/old-greeting?expectedVersion=0000000000000000',
			key.secretKey,
			{ method: 'DELETE' }
		);
		expect(wrong.status).toBe(409);
		expect((await core.library.listTrash()).map((t) => t.name)).toEqual([]);

		const res = await apiFetch(
			relay,
			`/v1/prompts/old-greeting?expectedVersion=${p.versionId}`,
			key.secretKey,
			{ method: 'DELETE' }
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ name: 'old-greeting', trashed: true });
		await waitFor(
			async () => (await core.library.listTrash()).some((t) => t.name === 'old-greeting'),
			"the prompt lands in the app's trash"
		);
		expect(
			(await apiFetch(relay, '/v1/prompts/old-greeting?label=latest', key.secretKey)).status
		).toBe(404);
		const twice = await apiFetch(relay, '/v1/prompts/old-greeting', key.secretKey, {
			method: 'DELETE'
		});
		expect(twice.status).toBe(404);
		expect(((await twice.json()) as { error: { message: string } }).error.message).toMatch(
			/already in the trash/
		);
	});
});
