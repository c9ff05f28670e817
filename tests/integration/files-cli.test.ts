/**
 * Prompt files in a folder kept in step with a shared workspace through the CLI, against a real
 * relay and a real app device: pull, edit, status, diff, push (seen by the app's version
 * history), a concurrent remote change merged, a conflicting one left as markers with nothing
 * committed, an invalid file refused, and a relay that is down.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPrompty, writePrompty } from '../../src/lib/core/files/prompty';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { cliFolder } from '../support/cli';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);
const cli = cliFolder('files');

async function workspace() {
	const relay = await relays.start();
	const { core } = await ownerDevice(relays, relay);
	const folder = await core.library.createFolder('Support');
	const reply = await commitPrompt(
		core,
		{
			name: 'reply',
			type: 'chat',
			messages: [
				{ role: 'system', content: 'You answer for {{ company }}.\nBe brief.' },
				{ role: 'user', content: '{{ question }}' }
			],
			folderId: folder.id,
			tags: ['support']
		},
		['production']
	);
	const greet = await commitPrompt(core, {
		name: 'greet',
		content: 'Hello {{ name }}!\nWelcome.\nBye.'
	});
	await settle(core);
	const key = await cliKey(relay, 'team', 'write', 'files-cli');
	const url = relay.relay.url;
	return { relay, core, reply, greet, key, url };
}

const file = (...p: string[]) => join(cli.dir, 'prompts', ...p);

describe('pull, status, diff, push against a real relay', () => {
	it('pushes every metadata field of a file, and a deleted file moves its prompt to the trash', async () => {
		const { core, greet, reply, key, url } = await workspace();
		expect((await cli.run('pull', 'prompts', '--relay', url, '--key', key.secretKey)).code).toBe(0);
		const greetPath = file('greet.prompty');
		const parsed = readPrompty(await readFile(greetPath, 'utf8'), { fileName: 'greet.prompty' });
		if (!parsed.ok) throw new Error('pulled file does not read back');
		await writeFile(
			greetPath,
			writePrompty({
				...parsed.value.prompt,
				description: 'Greets a returning customer',
				intent: 'greeting',
				customFields: [{ key: 'owner', type: 'string', value: 'support' }],
				templateOptions: { trimBlocks: true, lstripBlocks: true }
			})
		);
		const push = await cli.run(
			'push',
			'prompts',
			'-m',
			'describe',
			'--key',
			key.secretKey,
			'--json'
		);
		expect(push.stderr).toBe('');
		expect(push.code).toBe(0);
		expect(JSON.parse(push.stdout).pushed).toEqual([
			expect.objectContaining({ path: 'greet.prompty', result: 'committed' })
		]);
		await waitFor(
			async () => (await core.vcs.history(greet.id)).length === 2,
			'the app sees the new version'
		);
		const [head] = await core.vcs.history(greet.id);
		expect(head.metadata).toMatchObject({
			description: 'Greets a returning customer',
			intent: 'greeting',
			customFields: [{ key: 'owner', type: 'string', value: 'support' }],
			templateOptions: { trimBlocks: true, lstripBlocks: true }
		});

		// Deleting a file whose prompt changed on the relay since the pull is refused.
		const replyId = reply.id;
		await core.library.updatePrompt(replyId, { tags: ['support', 'vip'] });
		await core.vcs.commit(replyId, 'tag it');
		await settle(core);
		await rm(file('Support', 'reply.prompty'));
		await rm(greetPath);
		const del = await cli.run('push', 'prompts', '-m', 'remove', '--key', key.secretKey, '--json');
		expect(del.code).toBe(1);
		const out = JSON.parse(del.stdout);
		expect(out.pushed).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ path: 'greet.prompty', result: 'deleted' }),
				expect.objectContaining({ path: 'Support/reply.prompty', result: 'refused' })
			])
		);
		expect(del.stderr).toContain('changed on the relay since the pull');
		await waitFor(
			async () => (await core.library.listTrash()).some((p) => p.name === 'greet'),
			"greet lands in the app's trash"
		);
		expect((await core.library.listTrash()).map((p) => p.name)).toEqual(['greet']);
		const status = await cli.run('status', 'prompts', '--key', key.secretKey, '--json');
		expect(JSON.parse(status.stdout).changes).toEqual([
			{ path: 'Support/reply.prompty', name: 'reply', status: 'deleted' },
			{ path: 'Support/reply.prompty', name: 'reply', status: 'remote-changed' }
		]);
	});

	it('pulls files, pushes an edit as a new version the app sees, and reports no changes after', async () => {
		const { core, greet, key, url } = await workspace();
		const pull = await cli.run('pull', 'prompts', '--relay', url, '--key', key.secretKey);
		expect(pull.stderr).toBe('');
		expect(pull.code).toBe(0);
		const replyText = await readFile(file('Support', 'reply.prompty'), 'utf8');
		expect(replyText).toContain(
			'\nsystem:\nYou answer for {{ company }}.\nBe brief.\n\nuser:\n{{ question }}\n'
		);
		expect(await readFile(file('greet.prompty'), 'utf8')).toContain('api: completion');
		const state = JSON.parse(await readFile(file('.promptloom', 'state.json'), 'utf8'));
		expect(state).toMatchObject({ relay: url, workspace: 'team', selector: { branch: 'main' } });
		expect(Object.keys(state.files).sort()).toEqual(['Support/reply.prompty', 'greet.prompty']);
		expect(state.files['greet.prompty'].version).toBe(greet.versionId);

		const clean = await cli.run('status', 'prompts', '--key', key.secretKey, '--json');
		expect(JSON.parse(clean.stdout).changes).toEqual([]);

		const greetPath = file('greet.prompty');
		await writeFile(
			greetPath,
			(await readFile(greetPath, 'utf8')).replace('Welcome.', 'Welcome back.')
		);
		const status = await cli.run('status', 'prompts', '--offline', '--json');
		expect(JSON.parse(status.stdout).changes).toEqual([
			{ path: 'greet.prompty', name: 'greet', status: 'modified' }
		]);
		const diff = await cli.run('diff', 'prompts', 'greet');
		expect(diff.stdout).toContain('-Welcome.\n+Welcome back.\n');

		const push = await cli.run(
			'push',
			'prompts',
			'-m',
			'warmer welcome',
			'--key',
			key.secretKey,
			'--json'
		);
		expect(push.code).toBe(0);
		const result = JSON.parse(push.stdout);
		expect(result.pushed).toEqual([
			expect.objectContaining({ path: 'greet.prompty', result: 'committed' })
		]);

		await waitFor(
			async () => (await core.vcs.history(greet.id)).length === 2,
			'the app sees the new version'
		);
		const [head] = await core.vcs.history(greet.id);
		expect(head).toMatchObject({ author: 'files-cli', message: 'warmer welcome', branch: 'main' });
		expect(head.content.content).toBe('Hello {{ name }}!\nWelcome back.\nBye.');
		expect(head.id).toBe(result.pushed[0].version);
		await waitFor(
			async () =>
				(await core.library.findByName('greet'))?.content ===
				'Hello {{ name }}!\nWelcome back.\nBye.',
			'the working copy follows'
		);
		const after = await cli.run('status', 'prompts', '--key', key.secretKey, '--json');
		expect(JSON.parse(after.stdout).changes).toEqual([]);
	});

	it('merges a concurrent remote change cleanly, and leaves conflict markers (exit 1, nothing committed) on the same line', async () => {
		const { core, greet, reply, key, url } = await workspace();
		expect((await cli.run('pull', 'prompts', '--relay', url, '--key', key.secretKey)).code).toBe(0);

		// The app changes the last line of greet and the first message of reply.
		await core.library.updatePrompt(greet.id, { content: 'Hello {{ name }}!\nWelcome.\nSee you.' });
		await core.vcs.commit(greet.id, 'new ending');
		const p = (await core.library.findByName('reply'))!;
		await core.library.updatePrompt(reply.id, {
			messages: [
				{ role: 'system', content: 'You answer for {{ company }}.\nBe short.' },
				p.messages[1]
			]
		});
		await core.vcs.commit(reply.id, 'shorter');
		await settle(core);

		// Here: the first line of greet (clean merge), the same line of reply (conflict).
		const greetPath = file('greet.prompty');
		await writeFile(
			greetPath,
			(await readFile(greetPath, 'utf8')).replace('Hello {{ name }}!', 'Hi {{ name }}!')
		);
		const replyPath = file('Support', 'reply.prompty');
		await writeFile(
			replyPath,
			(await readFile(replyPath, 'utf8')).replace('Be brief.', 'Be very brief.')
		);
		const remoteStatus = await cli.run('status', 'prompts', '--key', key.secretKey, '--json');
		expect(
			JSON.parse(remoteStatus.stdout)
				.changes.map((c: { status: string }) => c.status)
				.sort()
		).toEqual(['modified', 'modified', 'remote-changed', 'remote-changed']);
		const replyHistory = (await core.vcs.history(reply.id)).length;

		const push = await cli.run('push', 'prompts', '-m', 'edits', '--key', key.secretKey);
		expect(push.code).toBe(1);
		expect(push.stderr).toContain('Support/reply.prompty: conflict: reply');
		expect(push.stdout).toContain('merged    greet.prompty');

		await waitFor(
			async () => (await core.vcs.history(greet.id)).length === 3,
			'the merge is committed'
		);
		const [merged] = await core.vcs.history(greet.id);
		expect(merged.content.content).toBe('Hi {{ name }}!\nWelcome.\nSee you.');
		expect(await readFile(greetPath, 'utf8')).toContain('Hi {{ name }}!\nWelcome.\nSee you.\n');

		const conflicted = await readFile(replyPath, 'utf8');
		expect(conflicted).toMatch(
			/<<<<<<< local\nBe very brief\.\n=======\nBe short\.\n>>>>>>> remote \(main, version [0-9a-f]{12}\)\n/
		);
		await settle(core);
		expect((await core.vcs.history(reply.id)).length).toBe(replyHistory);

		// Pushing again without resolving is refused; resolving then pushing commits on top.
		const again = await cli.run('push', 'prompts', '-m', 'edits', '--key', key.secretKey);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/reply\.prompty:\d+:1: error: unresolved conflict markers/);
		await writeFile(
			replyPath,
			conflicted.replace(/<<<<<<< local\n[\s\S]*?>>>>>>> remote[^\n]*\n/, 'Be short and kind.\n')
		);
		const resolved = await cli.run('push', 'prompts', '-m', 'resolved', '--key', key.secretKey);
		expect(resolved.code).toBe(0);
		await waitFor(
			async () => (await core.vcs.history(reply.id)).length === replyHistory + 1,
			'the resolution is committed'
		);
		const [top] = await core.vcs.history(reply.id);
		expect(top.content.messages[0].content).toBe(
			'You answer for {{ company }}.\nBe short and kind.'
		);
	});

	it('refuses an invalid file before anything is pushed, naming file:line:col', async () => {
		const { core, greet, key, url } = await workspace();
		expect((await cli.run('pull', 'prompts', '--relay', url, '--key', key.secretKey)).code).toBe(0);
		const greetPath = file('greet.prompty');
		await writeFile(
			greetPath,
			(await readFile(greetPath, 'utf8')).replace('Welcome.', 'Welcome {{ name .')
		);
		const replyPath = file('Support', 'reply.prompty');
		await writeFile(
			replyPath,
			(await readFile(replyPath, 'utf8')).replace('api: chat', 'api: chatty')
		);
		const push = await cli.run('push', 'prompts', '-m', 'broken', '--key', key.secretKey);
		expect(push.code).toBe(1);
		expect(push.stderr).toMatch(
			/prompts\/Support\/reply\.prompty:\d+:\d+: error: must be "chat" or "completion"/
		);
		expect(push.stderr).toMatch(/prompts\/greet\.prompty:\d+:\d+: error: template: /);
		expect(push.stderr).toContain('nothing pushed');
		await settle(core);
		expect((await core.vcs.history(greet.id)).length).toBe(1);
	});

	it('exits 3 and leaves the files untouched when the relay is down or refuses the key', async () => {
		const { relay, key, url } = await workspace();
		expect((await cli.run('pull', 'prompts', '--relay', url, '--key', key.secretKey)).code).toBe(0);
		const greetPath = file('greet.prompty');
		const edited = (await readFile(greetPath, 'utf8')).replace('Welcome.', 'Welcome back.');
		await writeFile(greetPath, edited);
		const stateBefore = await readFile(file('.promptloom', 'state.json'), 'utf8');

		const badKey = await cli.run('push', 'prompts', '-m', 'x', '--key', 'sk-pl-not-a-key');
		expect(badKey.code).toBe(3);
		expect(badKey.stderr).toContain('invalid or revoked API key');

		await relay.relay.close();
		const push = await cli.run('push', 'prompts', '-m', 'x', '--key', key.secretKey);
		expect(push.code).toBe(3);
		expect(push.stderr).toContain('is unreachable');
		const pull = await cli.run('pull', 'prompts', '--key', key.secretKey);
		expect(pull.code).toBe(3);
		expect(await readFile(greetPath, 'utf8')).toBe(edited);
		expect(await readFile(file('.promptloom', 'state.json'), 'utf8')).toBe(stateBefore);
	});

	it('pulls what a label points at, and a later pull merges remote changes into edited files', async () => {
		const { core, greet, key, url } = await workspace();
		const byLabel = await cli.run(
			'pull',
			'prompts',
			'--relay',
			url,
			'--key',
			key.secretKey,
			'--label',
			'production'
		);
		expect(byLabel.code).toBe(0);
		const state = JSON.parse(await readFile(file('.promptloom', 'state.json'), 'utf8'));
		expect(Object.keys(state.files)).toEqual(['Support/reply.prompty']);

		expect(
			(await cli.run('pull', 'prompts', '--key', key.secretKey, '--branch', 'main')).code
		).toBe(0);
		const greetPath = file('greet.prompty');
		await writeFile(greetPath, (await readFile(greetPath, 'utf8')).replace('Hello', 'Hi'));
		await core.library.updatePrompt(greet.id, { content: 'Hello {{ name }}!\nWelcome.\nSee you.' });
		await core.vcs.commit(greet.id, 'new ending');
		await settle(core);
		const pull = await cli.run('pull', 'prompts', '--key', key.secretKey, '--json');
		expect(pull.code).toBe(0);
		expect(JSON.parse(pull.stdout).files).toContainEqual(
			expect.objectContaining({ path: 'greet.prompty', action: 'merged' })
		);
		expect(await readFile(greetPath, 'utf8')).toContain('Hi {{ name }}!\nWelcome.\nSee you.\n');
	});
});
