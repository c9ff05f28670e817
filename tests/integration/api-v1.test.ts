/**
 * The relay's `/v1` API and its API keys, end to end: a real app device writes a shared
 * workspace through the relay, keys are made with the CLI and the owner routes, and the API
 * answers from the stored documents (following later commits and label moves).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateLibraryData } from '../../src/lib/core/io/library-file';
import { runRelayCli } from '../../sync-server/src/cli';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { apiFetch, cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

async function json(res: Response): Promise<Record<string, unknown>> {
	return (await res.json()) as Record<string, unknown>;
}

describe('API keys', () => {
	it('the CLI creates, lists and revokes keys; only the SHA-256 of a secret is stored', async () => {
		const relay = await relays.start();
		const key = await cliKey(relay, 'team', 'write', 'ci');
		expect(Object.keys(key)).toEqual(['publicKey', 'secretKey', 'workspace', 'scope']);
		expect(key.publicKey).toMatch(/^pk-pl-[A-Za-z0-9_-]{22}$/);
		expect(key.secretKey).toMatch(/^sk-pl-[A-Za-z0-9_-]{43}$/);
		expect(key).toMatchObject({ workspace: 'team', scope: 'write' });
		const { readFile, stat } = await import('node:fs/promises');
		const file = await readFile(`${relay.dataDir}/api-keys.json`, 'utf8');
		expect(file).not.toContain(key.secretKey);
		expect(file).toContain(key.publicKey);
		expect((await stat(`${relay.dataDir}/api-keys.json`)).mode & 0o777).toBe(0o600);

		let out = '';
		const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
		expect(await runRelayCli(['apikey', 'list', '--data', relay.dataDir, '--json'], io)).toBe(0);
		const listed = JSON.parse(out) as Array<Record<string, unknown>>;
		expect(listed).toEqual([
			expect.objectContaining({
				publicKey: key.publicKey,
				name: 'ci',
				scope: 'write',
				lastUsedAt: null
			})
		]);
		expect(out).not.toContain('sk-pl-');

		// The running relay accepts it (an unknown prompt is a 404, not a 401) ...
		expect((await apiFetch(relay, '/v1/prompts/nope', key.secretKey)).status).toBe(404);
		// ... and refuses it once the CLI revoked it.
		out = '';
		const revoke = [
			'apikey',
			'revoke',
			'--data',
			relay.dataDir,
			'--workspace',
			'team',
			key.publicKey
		];
		expect(await runRelayCli(revoke, io)).toBe(0);
		await waitFor(
			async () => (await apiFetch(relay, '/v1/prompts/nope', key.secretKey)).status === 401,
			'revoked key refused',
			3000
		);
		expect(await runRelayCli(revoke, io)).toBe(1);
		out = '';
		expect(
			await runRelayCli(['apikey', 'create', '--data', relay.dataDir, '--workspace', 'a/b'], io)
		).toBe(2);
		expect(out).toContain('invalid workspace id');
	});

	it('owner routes create (secret once), list and revoke keys; others are refused', async () => {
		const relay = await relays.start();
		const { token } = await ownerDevice(relays, relay, 'team', [['ed', 'editor']]);
		const base = `${relay.relay.url}/api/workspaces/team/apikeys`;
		const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
		const created = await fetch(base, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ name: 'prod app' })
		});
		expect(created.status).toBe(201);
		const key = await json(created);
		expect(key).toMatchObject({ workspace: 'team', scope: 'read', name: 'prod app' });
		expect(String(key.secretKey)).toMatch(/^sk-pl-/);

		const list = await json(await fetch(base, { headers: auth }));
		expect(list.keys).toEqual([
			expect.objectContaining({ publicKey: key.publicKey, createdBy: 'olga' })
		]);
		expect(JSON.stringify(list)).not.toContain('sk-pl-');

		const edToken = await relay.token('team', 'editor', 'ed');
		const refused = await fetch(base, { headers: { authorization: `Bearer ${edToken}` } });
		expect(refused.status).toBe(403);
		expect(await json(refused)).toEqual({
			error: { code: 'forbidden', message: expect.stringContaining('only an owner') }
		});
		const bad = await fetch(base, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ name: '', scope: 'admin' })
		});
		expect(bad.status).toBe(400);

		// The key works, then is revoked; its name is in the answer so the page can confirm it.
		const secret = String(key.secretKey);
		expect((await apiFetch(relay, '/v1/prompts', secret)).status).toBe(200);
		const del = await fetch(`${base}/${key.publicKey}`, { method: 'DELETE', headers: auth });
		expect(await json(del)).toMatchObject({ revoked: { name: 'prod app' } });
		const after = await apiFetch(relay, '/v1/prompts', secret);
		expect(after.status).toBe(401);
		expect(await json(after)).toEqual({
			error: { code: 'unauthorized', message: expect.stringContaining('invalid or revoked') }
		});
		expect((await apiFetch(relay, '/v1/prompts', undefined)).status).toBe(401);
		const unknown = await apiFetch(relay, '/v1/nothing/here', secret);
		expect(unknown.status).toBe(404);
		expect(await json(unknown)).toEqual({
			error: { code: 'not_found', message: 'no API route GET /v1/nothing/here' }
		});
		expect(
			(await fetch(`${base}/${key.publicKey}`, { method: 'DELETE', headers: auth })).status
		).toBe(404);
	});

	it('each key has its own rate limit: 429 with Retry-After', async () => {
		const relay = await relays.start({ api: { rateLimitPerMinute: 60, rateLimitBurst: 3 } });
		const a = await cliKey(relay, 'team');
		const b = await cliKey(relay, 'team');
		for (let i = 0; i < 3; i++)
			expect((await apiFetch(relay, '/v1/prompts', a.secretKey)).status).toBe(200);
		const limited = await apiFetch(relay, '/v1/prompts', a.secretKey);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect((await json(limited)).error).toMatchObject({ code: 'rate_limited' });
		expect((await apiFetch(relay, '/v1/prompts', b.secretKey)).status).toBe(200);
	});
});

describe('/v1 reads the workspace documents', () => {
	it('gets a prompt by label and version with ETag/304, and follows commits and label moves', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		const greet = await commitPrompt(
			core,
			{ name: 'greet', content: 'Hello {{ name }}!', tags: ['demo'] },
			['production']
		);
		await settle(core);
		const { secretKey } = await cliKey(relay, 'team');

		const res = await apiFetch(relay, '/v1/prompts/greet', secretKey);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('private, no-cache');
		const body = await json(res);
		expect(body).toMatchObject({
			name: 'greet',
			type: 'text',
			template: 'Hello {{ name }}!',
			messages: null,
			labels: ['latest', 'production'],
			tags: ['demo'],
			version: { id: greet.versionId, number: 1, author: 'olga', message: 'first', branch: 'main' },
			variables: [expect.objectContaining({ name: 'name', required: true })]
		});
		const etag = res.headers.get('etag')!;
		const again = await apiFetch(relay, '/v1/prompts/greet', secretKey, {
			headers: { 'if-none-match': etag }
		});
		expect(again.status).toBe(304);

		// A second commit on main, production moved to it in the app: the answer changes.
		await core.library.updatePrompt(greet.id, { content: 'Hi {{ name }}, welcome back.' });
		const v2 = await core.vcs.commit(greet.id, 'warmer');
		await core.vcs.setLabel(greet.id, 'production', v2.id);
		await settle(core);
		await waitFor(
			async () =>
				(
					await apiFetch(relay, '/v1/prompts/greet', secretKey, {
						headers: { 'if-none-match': etag }
					})
				).status === 200,
			'the answer changes after the label moved'
		);
		const moved = await json(await apiFetch(relay, '/v1/prompts/greet', secretKey));
		expect(moved).toMatchObject({
			template: 'Hi {{ name }}, welcome back.',
			version: { number: 2, id: v2.id }
		});

		const pinned = await apiFetch(relay, '/v1/prompts/greet?version=1', secretKey);
		expect(pinned.headers.get('cache-control')).toContain('immutable');
		expect(await json(pinned)).toMatchObject({ template: 'Hello {{ name }}!', labels: [] });
		const byId = await json(
			await apiFetch(relay, `/v1/prompts/greet?version=${greet.versionId.slice(0, 10)}`, secretKey)
		);
		expect(byId).toMatchObject({ version: { number: 1 } });
		expect(
			await json(await apiFetch(relay, '/v1/prompts/greet?label=latest', secretKey))
		).toMatchObject({
			version: { number: 2 }
		});

		const missing = await apiFetch(relay, '/v1/prompts/greet?label=staging', secretKey);
		expect(missing.status).toBe(404);
		expect(await json(missing)).toEqual({
			error: { code: 'not_found', message: 'prompt "greet" has no label "staging"' }
		});
		expect((await apiFetch(relay, '/v1/prompts/greet?version=9', secretKey)).status).toBe(404);
		expect(
			(await apiFetch(relay, '/v1/prompts/greet?version=1&label=production', secretKey)).status
		).toBe(400);
		expect((await apiFetch(relay, '/v1/prompts/greet?version=zz', secretKey)).status).toBe(400);

		// Another workspace's key sees nothing of this one.
		const other = await cliKey(relay, 'elsewhere');
		expect((await apiFetch(relay, '/v1/prompts/greet', other.secretKey)).status).toBe(404);
	});

	it('lists with tag, label, folder and q filters and cursor pagination', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		const support = await core.library.createFolder('support');
		const billing = await core.library.createFolder('billing', support.id);
		for (let i = 0; i < 5; i++)
			await commitPrompt(
				core,
				{
					name: `p${i}`,
					content: `prompt ${i}`,
					description: i === 3 ? 'Refund policy answer' : '',
					tags: i % 2 ? ['odd'] : ['even'],
					folderId: i < 2 ? billing.id : null
				},
				i === 4 ? ['production'] : []
			);
		await settle(core);
		const { secretKey } = await cliKey(relay, 'team');
		const names = async (query: string) =>
			(
				(await json(await apiFetch(relay, `/v1/prompts${query}`, secretKey))).data as Array<{
					name: string;
				}>
			).map((p) => p.name);
		expect(await names('')).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
		expect(await names('?tag=odd')).toEqual(['p1', 'p3']);
		expect(await names('?label=production')).toEqual(['p4']);
		expect(await names('?folder=support')).toEqual(['p0', 'p1']);
		expect(await names('?folder=support/billing')).toEqual(['p0', 'p1']);
		expect(await names('?q=refund')).toEqual(['p3']);

		const page1 = await json(await apiFetch(relay, '/v1/prompts?limit=2', secretKey));
		expect((page1.data as unknown[]).length).toBe(2);
		const page2 = await json(
			await apiFetch(relay, `/v1/prompts?limit=2&cursor=${page1.nextCursor}`, secretKey)
		);
		const page3 = await json(
			await apiFetch(relay, `/v1/prompts?limit=2&cursor=${page2.nextCursor}`, secretKey)
		);
		expect(
			[...(page2.data as Array<{ name: string }>), ...(page3.data as Array<{ name: string }>)].map(
				(p) => p.name
			)
		).toEqual(['p2', 'p3', 'p4']);
		expect(page3.nextCursor).toBeNull();
		expect((page1.data as Array<Record<string, unknown>>)[0]).toMatchObject({
			folder: 'support/billing',
			type: 'text',
			head: expect.stringMatching(/^[0-9a-f]{64}$/)
		});
		expect((await apiFetch(relay, '/v1/prompts?limit=0', secretKey)).status).toBe(400);
		expect((await apiFetch(relay, '/v1/prompts?cursor=junk', secretKey)).status).toBe(400);
	});

	it('renders with includes and few-shot sets; a missing variable is a 422 naming it', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'tone', content: 'Be brief.' }, ['production']);
		await commitPrompt(
			core,
			{
				name: 'support',
				type: 'chat',
				messages: [
					{ role: 'system', content: '{{ include("tone") }} Customer: {{ customer }}' },
					{ role: 'user', content: '{{ question }}' }
				]
			},
			['production']
		);
		await commitPrompt(
			core,
			{ name: 'classify', content: '{{ fewshot("labels") }}\nInput: {{ text }}' },
			['production']
		);
		await commitPrompt(
			core,
			{ name: 'loop', content: '{% for i in range(10000000) %}x{% endfor %}' },
			['production']
		);
		await settle(core);
		const { secretKey } = await cliKey(relay, 'team');
		const render = (name: string, body: unknown) =>
			apiFetch(relay, `/v1/prompts/${name}/render`, secretKey, {
				method: 'POST',
				body: JSON.stringify(body)
			});

		const ok = await render('support', {
			variables: { customer: 'Ana', question: 'Where is my parcel?' }
		});
		expect(ok.status).toBe(200);
		expect(await json(ok)).toMatchObject({
			name: 'support',
			kind: 'chat',
			version: { number: 1 },
			output: [
				{ role: 'system', content: 'Be brief. Customer: Ana' },
				{ role: 'user', content: 'Where is my parcel?' }
			],
			warnings: []
		});

		const missing = await render('support', { variables: { customer: 'Ana' } });
		expect(missing.status).toBe(422);
		expect(await json(missing)).toEqual({
			error: { code: 'unprocessable', message: 'missing variable: question' }
		});
		const lenient = await json(
			await render('support', { variables: { customer: 'Ana' }, strict: false })
		);
		expect(lenient.warnings).toEqual([
			expect.objectContaining({ code: 'missing_variable', variable: 'question' })
		]);

		const shots = await json(
			await render('classify', {
				variables: { text: 'great!' },
				fewShotSets: [{ name: 'labels', examples: [{ input: 'bad', output: 'negative' }] }]
			})
		);
		expect(shots.output).toBe('Input: bad\nOutput: negative\nInput: great!');
		const noSet = await render('classify', { variables: { text: 'x' } });
		expect(noSet.status).toBe(422);
		expect(((await json(noSet)).error as { message: string }).message).toContain(
			'few-shot set "labels" not found'
		);

		const limited = await render('loop', {});
		expect(limited.status).toBe(422);
		expect(((await json(limited)).error as { message: string }).message).toContain(
			'render limit exceeded'
		);
		expect((await render('support', { variables: 'nope' })).status).toBe(400);
		const broken = await apiFetch(relay, '/v1/prompts/support/render', secretKey, {
			method: 'POST',
			body: '{'
		});
		expect(broken.status).toBe(400);
		expect((await render('nope', {})).status).toBe(404);
	});

	it('exports a library file that validates, as JSON and YAML', async () => {
		const relay = await relays.start();
		const { core } = await ownerDevice(relays, relay);
		await commitPrompt(core, { name: 'greet', content: 'Hello {{ name }}!' }, ['production']);
		await core.library.createPrompt({ name: 'draft', content: 'not committed' });
		await settle(core);
		const { secretKey } = await cliKey(relay, 'team');
		const res = await apiFetch(relay, '/v1/export', secretKey);
		expect(res.headers.get('content-disposition')).toContain('team.promptloom.json');
		const lib = await json(res);
		expect(validateLibraryData(lib)).toMatchObject({ ok: true });
		expect((lib.prompts as Array<{ name: string }>).map((p) => p.name).sort()).toEqual([
			'draft',
			'greet'
		]);
		expect((lib.labels as unknown[]).length).toBe(1);
		const etag = res.headers.get('etag')!;
		expect(
			(await apiFetch(relay, '/v1/export', secretKey, { headers: { 'if-none-match': etag } }))
				.status
		).toBe(304);

		const yaml = await apiFetch(relay, '/v1/export?format=yaml', secretKey);
		expect(yaml.headers.get('content-type')).toContain('yaml');
		expect(validateLibraryData(parseYaml(await yaml.text()))).toMatchObject({ ok: true });
		expect((await apiFetch(relay, '/v1/export?format=xml', secretKey)).status).toBe(400);
	});
});
