/**
 * `promptloom/client` as an application uses it: the package's subpath export (built bundle),
 * against a real relay whose workspace a real app device writes.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../sync-server/src/api/webhooks';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const run = promisify(execFile);
const relays = relayScope(afterEach);
type ClientModule = typeof import('../../src/client');
let loom: ClientModule;

beforeAll(async () => {
	await run('npx', ['vite', 'build', '--config', 'vite.client.config.ts', '--logLevel', 'error']);
	// The package's own name, as an application imports it (package.json "exports").
	loom = (await import('promptloom/client' as string)) as ClientModule;
}, 120_000);

/** A fetch that counts requests and answers by status, and can be made to fail. */
function countingFetch() {
	const seen: number[] = [];
	let failNext = 0;
	const f: typeof fetch = async (input, init) => {
		if (failNext > 0) {
			failNext--;
			throw new TypeError('fetch failed (simulated network error)');
		}
		const res = await fetch(input, init);
		seen.push(res.status);
		return res;
	};
	return { fetch: f, seen, failTimes: (n: number) => (failNext = n) };
}

describe('promptloom/client', () => {
	it('resolves as a subpath export in plain Node', async () => {
		const { stdout } = await run('node', [
			'--input-type=module',
			'-e',
			"const m = await import('promptloom/client'); console.log(typeof m.PromptloomClient)"
		]);
		expect(stdout.trim()).toBe('function');
	});

	it('gets, caches (stale-while-revalidate with ETags) and renders locally', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'tone', content: 'Be brief.' }, ['production']);
		const greet = await commitPrompt(
			core,
			{ name: 'greet', content: '{{ include("tone") }} Hello {{ name }}!' },
			['production']
		);
		await settle(core);
		const key = await cliKey(relay, 'team');
		let now = 1_000_000;
		const net = countingFetch();
		const client = new loom.PromptloomClient({
			baseUrl: relay.relay.url,
			apiKey: key.secretKey,
			cacheTtlSeconds: 30,
			fetch: net.fetch,
			now: () => now
		});

		const p = await client.getPrompt('greet');
		expect(p).toMatchObject({ name: 'greet', version: { number: 1 }, isFallback: false });
		const rendered = await client.render(p, { name: 'Ana' });
		expect(rendered.output).toBe('Be brief. Hello Ana!');
		await expect(client.render(p, {})).rejects.toMatchObject({
			name: 'RenderError',
			message: 'missing variable: name'
		});
		const requests = net.seen.length;
		expect(await client.getPrompt('greet')).toBe(p);
		expect(net.seen.length).toBe(requests);

		// Stale: served at once, revalidated in the background with the ETag (304).
		now += 31_000;
		expect(await client.getPrompt('greet')).toBe(p);
		await waitFor(() => net.seen.length === requests + 1, 'revalidated');
		expect(net.seen.at(-1)).toBe(304);

		// production moves in the app: the next revalidation brings the new version.
		await core.library.updatePrompt(greet.id, { content: 'Hi {{ name }}.' });
		const v2 = await core.vcs.commit(greet.id, 'shorter');
		await core.vcs.setLabel(greet.id, 'production', v2.id);
		await settle(core);
		now += 31_000;
		expect((await client.getPrompt('greet')).version.number).toBe(1);
		// Each later call past the TTL revalidates in the background until the move is seen.
		await waitFor(async () => {
			now += 31_000;
			return (await client.getPrompt('greet')).version.number === 2;
		}, 'new version');
		expect((await client.getPrompt('greet')).template).toBe('Hi {{ name }}.');
		expect((await client.getPrompt('greet', { version: 1 })).template).toContain('include');

		const remote = await client.renderRemote('greet', { variables: { name: 'Bo' } });
		expect(remote.output).toBe('Hi Bo.');
		const list = await client.listPrompts({ label: 'production' });
		expect(list.data.map((d) => d.name)).toEqual(['greet', 'tone']);
		expect(await client.recordObservations([{ prompt: 'greet', version: 2, latencyMs: 12 }])).toBe(
			1
		);
	});

	it('retries network errors and 429s, throws typed errors, and falls back when the relay is down', async () => {
		const relay = await relays.start({ api: { rateLimitBurst: 2, rateLimitPerMinute: 120 } });
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'greet', content: 'Hello' }, ['production']);
		await settle(core);
		const key = await cliKey(relay, 'team');
		const net = countingFetch();
		const client = new loom.PromptloomClient({
			baseUrl: relay.relay.url,
			apiKey: key.secretKey,
			fetch: net.fetch,
			retryBaseMs: 10
		});
		net.failTimes(2);
		expect((await client.getPrompt('greet')).template).toBe('Hello');

		// The key's bucket (2) is empty after the next call: a 429 is retried after Retry-After.
		await expect(client.getPrompt('nope', { cacheTtlSeconds: 0 })).rejects.toBeInstanceOf(
			loom.NotFoundError
		);
		const started = Date.now();
		expect((await client.getPrompt('greet', { label: 'latest' })).template).toBe('Hello');
		expect(net.seen).toContain(429);
		expect(Date.now() - started).toBeGreaterThanOrEqual(400);

		const bad = new loom.PromptloomClient({
			baseUrl: relay.relay.url,
			apiKey: 'sk-pl-nope',
			maxRetries: 0
		});
		await expect(bad.getPrompt('greet')).rejects.toMatchObject({
			name: 'AuthenticationError',
			status: 401,
			code: 'unauthorized'
		});
		expect(
			() => new loom.PromptloomClient({ baseUrl: relay.relay.url, apiKey: key.publicKey })
		).toThrow(loom.PromptloomClientError);

		await core.sync.close();
		await relay.relay.close();
		const offline = new loom.PromptloomClient({
			baseUrl: relay.relay.url,
			apiKey: key.secretKey,
			maxRetries: 1,
			retryBaseMs: 5
		});
		const fb = await offline.getPrompt('greet', { fallback: 'Hello {{ name }} (built in)' });
		expect(fb.isFallback).toBe(true);
		expect((await offline.render(fb, { name: 'Ana' })).output).toBe('Hello Ana (built in)');
		await expect(offline.getPrompt('greet')).rejects.toBeInstanceOf(loom.NetworkError);
		// The cached copy outlives the relay.
		expect((await client.getPrompt('greet')).template).toBe('Hello');
	});

	it('verifies webhook signatures the relay makes', async () => {
		const body = JSON.stringify({ type: 'label.moved' });
		const t = Math.floor(Date.now() / 1000);
		const header = signWebhook('whsec_test', t, body);
		expect(await loom.verifyWebhookSignature('whsec_test', header, body)).toBe(true);
		expect(await loom.verifyWebhookSignature('whsec_other', header, body)).toBe(false);
		expect(await loom.verifyWebhookSignature('whsec_test', header, body + ' ')).toBe(false);
		expect(
			await loom.verifyWebhookSignature('whsec_test', header, body, { now: (t + 3600) * 1000 })
		).toBe(false);
	});
});
