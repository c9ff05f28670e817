/**
 * Few-shot sets as workspace state: a set saved on one member's device reaches the others, a
 * viewer cannot change them, a device brings its own sets into a workspace it joins, and the
 * relay's render route uses the workspace's sets without any in the request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { relayScope, waitFor } from '../../sync-server/testing/harness';
import { apiFetch, cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { relayDevices, settle } from '../support/relay-devices';

const relays = relayScope(afterEach);
const labels = {
	name: 'labels',
	examples: [
		{ input: 'bad', output: 'negative' },
		{ input: 'fine', output: 'positive' }
	]
};

describe('few-shot sets in a shared workspace', () => {
	it("reach every member's device; editors change them, viewers cannot", async () => {
		const relay = await relays.start();
		const { core: olga } = await ownerDevice(relays, relay, 'team', [
			['eddie', 'editor'],
			['vera', 'viewer']
		]);
		const { device } = relayDevices(relays, () => relay);
		const eddie = await device('eddie');
		await eddie.sync.connect({
			relay: relay.relay.url,
			workspace: 'team',
			token: await relay.token('team', 'editor', 'eddie')
		});
		const vera = await device('vera');
		await vera.sync.connect({
			relay: relay.relay.url,
			workspace: 'team',
			token: await relay.token('team', 'viewer', 'vera'),
			role: 'viewer'
		});
		await settle(olga, eddie, vera);
		expect(eddie.fewShot.source()).toBe('workspace');
		let heard = 0;
		vera.fewShot.onChange(() => heard++);

		await olga.fewShot.save(labels);
		await waitFor(
			async () => (await vera.fewShot.list()).some((s) => s.name === 'labels'),
			'the set reaches the viewer'
		);
		expect(heard).toBeGreaterThan(0);
		await waitFor(async () => (await eddie.fewShot.list()).length === 1, 'and the editor');

		await eddie.fewShot.save({ ...labels, name: 'sentiment' }, 'labels');
		await waitFor(
			async () => (await olga.fewShot.list()).map((s) => s.name).join() === 'sentiment',
			"the editor's rename reaches the owner"
		);
		await expect(vera.fewShot.save({ name: 'mine', examples: [] })).rejects.toMatchObject({
			code: 'forbidden'
		});
		await expect(vera.fewShot.remove('sentiment')).rejects.toMatchObject({ code: 'forbidden' });
		expect((await vera.fewShot.list()).map((s) => s.name)).toEqual(['sentiment']);
	});

	it("a device joining brings its own sets; the relay's render uses the workspace's sets", async () => {
		const relay = await relays.start();
		const { core: olga } = await ownerDevice(relays, relay, 'team', [['eddie', 'editor']]);
		const { device } = relayDevices(relays, () => relay);
		const eddie = await device('eddie');
		await eddie.fewShot.save(labels);
		await eddie.sync.connect({
			relay: relay.relay.url,
			workspace: 'team',
			token: await relay.token('team', 'editor', 'eddie')
		});
		await waitFor(
			async () => (await olga.fewShot.list()).some((s) => s.name === 'labels'),
			"the joining device's set reaches the owner"
		);

		await commitPrompt(
			olga,
			{ name: 'classify', content: '{{ fewshot("labels") }}\nInput: {{ text }}' },
			['staging']
		);
		await settle(olga);
		const { secretKey } = await cliKey(relay, 'team');
		const render = async (body: unknown) => {
			const res = await apiFetch(relay, '/v1/prompts/classify/render', secretKey, {
				method: 'POST',
				body: JSON.stringify(body)
			});
			return { status: res.status, body: (await res.json()) as { output: string } };
		};
		await waitFor(
			async () =>
				(await render({ label: 'staging', variables: { text: 'great!' } })).status === 200,
			'the relay holds the set'
		);
		expect((await render({ label: 'staging', variables: { text: 'great!' } })).body.output).toBe(
			'Input: bad\nOutput: negative\n\nInput: fine\nOutput: positive\nInput: great!'
		);
		// A set in the request takes the place of the workspace's set of that name.
		const own = await render({
			label: 'staging',
			variables: { text: 'ok' },
			fewShotSets: [{ name: 'labels', examples: [{ input: 'meh', output: 'neutral' }] }]
		});
		expect(own.body.output).toBe('Input: meh\nOutput: neutral\nInput: ok');
	});
});
