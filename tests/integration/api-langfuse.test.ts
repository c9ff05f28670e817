/**
 * The official Langfuse SDK (`@langfuse/client`) against the relay's Langfuse-compatible prompt
 * endpoints: reads by label and version, creates text and chat versions, moves labels, compiles,
 * caches and falls back while the relay is stopped. Its writes are commits and label moves in the
 * workspace documents, seen by a connected app device.
 */
import { LangfuseClient } from '@langfuse/client';
import { afterEach, describe, expect, it } from 'vitest';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

describe('Langfuse SDK against the relay', () => {
	it('gets by label and version, creates text and chat versions, moves labels, compiles', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		const greet = await commitPrompt(core, { name: 'greet', content: 'Hello {{name}}!' }, [
			'production'
		]);
		await settle(core);
		const key = await cliKey(relay, 'team', 'write', 'langfuse-sdk');
		const langfuse = new LangfuseClient({
			publicKey: key.publicKey,
			secretKey: key.secretKey,
			baseUrl: relay.relay.url
		});

		const prod = await langfuse.prompt.get('greet');
		expect(prod.version).toBe(1);
		expect(prod.prompt).toBe('Hello {{name}}!');
		expect(prod.labels).toEqual(['latest', 'production']);
		expect(prod.compile({ name: 'Ana' })).toBe('Hello Ana!');
		expect(prod.isFallback).toBe(false);

		// A text version: a commit on main by the key, visible to the app.
		const v2 = await langfuse.prompt.create({
			name: 'greet',
			prompt: 'Hi {{name}}, good to see you.',
			labels: ['staging'],
			config: { model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200 },
			commitMessage: 'friendlier'
		});
		expect(v2.version).toBe(2);
		expect(v2.labels).toEqual(['latest', 'staging']);
		expect(v2.config).toEqual({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200 });
		await waitFor(
			async () => (await core.vcs.history(greet.id)).length === 2,
			'the app sees the commit'
		);
		const [head] = await core.vcs.history(greet.id);
		expect(head).toMatchObject({ author: 'langfuse-sdk', message: 'friendlier', branch: 'main' });
		expect(head.metadata.modelConfig).toMatchObject({
			model: 'gpt-4o-mini',
			temperature: 0.2,
			maxTokens: 200
		});
		await waitFor(
			async () =>
				(await core.library.findByName('greet'))?.content === 'Hi {{name}}, good to see you.',
			'the clean working copy follows the new version'
		);

		const byVersion = await langfuse.prompt.get('greet', { version: 1, cacheTtlSeconds: 0 });
		expect(byVersion.prompt).toBe('Hello {{name}}!');
		const staging = await langfuse.prompt.get('greet', { label: 'staging', cacheTtlSeconds: 0 });
		expect(staging.version).toBe(2);

		// Label moves: production to version 2.
		const moved = await langfuse.prompt.update({
			name: 'greet',
			version: 2,
			newLabels: ['production']
		});
		expect(moved.labels).toEqual(['latest', 'production', 'staging']);
		expect((await langfuse.prompt.get('greet', { cacheTtlSeconds: 0 })).version).toBe(2);
		await waitFor(
			async () => (await core.vcs.service.getLabel(greet.id, 'production'))?.versionId === head.id,
			'the app sees production moved'
		);
		const history = await core.vcs.labelHistory(greet.id, 'production');
		expect(history.at(-1)).toMatchObject({
			actor: 'langfuse-sdk',
			from: greet.versionId,
			to: head.id
		});

		// A chat prompt that did not exist: created with its first version.
		const chat = await langfuse.prompt.create({
			name: 'support',
			type: 'chat',
			prompt: [
				{ role: 'system', content: 'You help {{product}} users.' },
				{ role: 'user', content: '{{question}}' }
			],
			labels: ['production'],
			tags: ['support']
		});
		expect(chat.version).toBe(1);
		expect(chat.compile({ product: 'Loom', question: 'How?' })).toEqual([
			{ role: 'system', content: 'You help Loom users.' },
			{ role: 'user', content: 'How?' }
		]);
		// The index names the prompt; its change marker makes the device fetch the prompt document.
		await waitFor(
			async () => (await core.library.findByName('support'))?.messages.length === 2,
			'the app gets the prompt and its messages'
		);
		const support = (await core.library.findByName('support'))!;
		expect(support).toMatchObject({ type: 'chat', tags: ['support'], author: 'langfuse-sdk' });
		expect(support.messages.map((m) => m.role)).toEqual(['system', 'user']);
		const fetched = await langfuse.prompt.get('support', { type: 'chat', cacheTtlSeconds: 0 });
		expect(fetched.prompt).toEqual([
			{ role: 'system', content: 'You help {{product}} users.', type: 'chatmessage' },
			{ role: 'user', content: '{{question}}', type: 'chatmessage' }
		]);

		const list = await langfuse.api.prompts.list({ label: 'production' });
		expect(list.meta).toMatchObject({ page: 1, totalItems: 2, totalPages: 1 });
		expect(list.data).toEqual([
			expect.objectContaining({
				name: 'greet',
				type: 'text',
				versions: [1, 2],
				labels: ['latest', 'production', 'staging']
			}),
			expect.objectContaining({ name: 'support', type: 'chat', versions: [1], tags: ['support'] })
		]);
		expect((await langfuse.api.prompts.list({ tag: 'support' })).data.map((p) => p.name)).toEqual([
			'support'
		]);

		await expect(langfuse.prompt.get('nope', { cacheTtlSeconds: 0 })).rejects.toMatchObject({
			statusCode: 404
		});
		await expect(
			langfuse.prompt.update({ name: 'greet', version: 2, newLabels: ['latest'] })
		).rejects.toMatchObject({ statusCode: 400 });
	});

	it('a read key reads but cannot write; a protected label move needs an approved review (409)', async () => {
		const relay = await relays.start();
		const { core, token } = await ownerDevice(relays, relay, 'team', [['rita', 'reviewer']]);
		const greet = await commitPrompt(core, { name: 'greet', content: 'v1' }, ['staging']);
		await settle(core);
		const reader = await cliKey(relay, 'team', 'read', 'reader');
		const readOnly = new LangfuseClient({
			publicKey: reader.publicKey,
			secretKey: reader.secretKey,
			baseUrl: relay.relay.url
		});
		expect((await readOnly.prompt.get('greet', { label: 'staging' })).prompt).toBe('v1');
		await expect(readOnly.prompt.create({ name: 'greet', prompt: 'v2' })).rejects.toMatchObject({
			statusCode: 403
		});

		const writer = await cliKey(relay, 'team', 'write', 'deployer');
		const langfuse = new LangfuseClient({
			publicKey: writer.publicKey,
			secretKey: writer.secretKey,
			baseUrl: relay.relay.url
		});
		// A forged pair (right public key, wrong secret) is refused.
		const forged = await fetch(`${relay.relay.url}/api/public/v2/prompts/greet?label=staging`, {
			headers: {
				authorization: `Basic ${Buffer.from(`${writer.publicKey}:${reader.secretKey}`).toString('base64')}`
			}
		});
		expect(forged.status).toBe(401);

		await expect(
			langfuse.prompt.create({ name: 'greet', prompt: 'v2', labels: ['production'] })
		).rejects.toMatchObject({ statusCode: 409 });
		// Nothing was written by the refused request.
		expect(
			(await langfuse.prompt.get('greet', { label: 'latest', cacheTtlSeconds: 0 })).version
		).toBe(1);
		await expect(
			langfuse.prompt.update({ name: 'greet', version: 1, newLabels: ['production'] })
		).rejects.toMatchObject({ statusCode: 409 });

		// olga asks, rita approves: the same move is then carried out.
		const api = `${relay.relay.url}/api/workspaces/team/reviews`;
		const asked = await fetch(api, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ promptId: greet.id, label: 'production', versionId: greet.versionId })
		});
		const { review } = (await asked.json()) as { review: { id: string } };
		const rita = await relay.token('team', 'reviewer', 'rita');
		const decided = await fetch(`${api}/${review.id}/decision`, {
			method: 'POST',
			headers: { authorization: `Bearer ${rita}`, 'content-type': 'application/json' },
			body: JSON.stringify({ decision: 'approved' })
		});
		expect(decided.status).toBe(200);
		const moved = await langfuse.prompt.update({
			name: 'greet',
			version: 1,
			newLabels: ['production']
		});
		expect(moved.labels).toContain('production');
		await waitFor(
			async () =>
				(await core.vcs.service.getLabel(greet.id, 'production'))?.versionId === greet.versionId,
			'the app sees the approved move'
		);
	});

	it('serves from its cache and falls back while the relay is stopped', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'greet', content: 'Hello {{name}}!' }, ['production']);
		await settle(core);
		const key = await cliKey(relay, 'team');
		const langfuse = new LangfuseClient({
			publicKey: key.publicKey,
			secretKey: key.secretKey,
			baseUrl: relay.relay.url
		});
		const first = await langfuse.prompt.get('greet', { cacheTtlSeconds: 60 });
		expect(first.version).toBe(1);

		await core.sync.close();
		await relay.relay.close();
		const cached = await langfuse.prompt.get('greet', { cacheTtlSeconds: 60 });
		expect(cached.prompt).toBe('Hello {{name}}!');
		expect(cached.isFallback).toBe(false);

		const cold = new LangfuseClient({
			publicKey: key.publicKey,
			secretKey: key.secretKey,
			baseUrl: relay.relay.url
		});
		const fallback = await cold.prompt.get('greet', {
			fallback: 'Hello {{name}} (offline)',
			maxRetries: 0
		});
		expect(fallback.isFallback).toBe(true);
		expect(fallback.compile({ name: 'Ana' })).toBe('Hello Ana (offline)');
		await expect(cold.prompt.get('greet', { maxRetries: 0 })).rejects.toThrow();
	});
});
