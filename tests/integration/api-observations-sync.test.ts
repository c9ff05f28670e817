/**
 * Production feedback in the app: observations sent through `POST /v1/observations` reach every
 * member's app as per-version aggregates (synced from the relay, never raw rows), drift detection
 * flags a version whose latency shifts, and no client can write those aggregates itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectRelayErrors, relayScope, waitFor } from '../../sync-server/testing/harness';
import { OBSERVATIONS_MAP } from '../../src/lib/core/collab/doc-schema';
import { apiFetch, cliKey, commitPrompt, ownerDevice } from '../support/api-workspace';
import { settle } from '../support/relay-devices';

const relays = relayScope(afterEach);

describe('production observations in the app', () => {
	it('shows per-version aggregates and flags a latency shift; clients cannot write them', async () => {
		const relay = await relays.start();
		const { core, token } = await ownerDevice(relays, relay);
		const shifting = await commitPrompt(core, { name: 'greet', content: 'Hello {{ name }}' }, [
			'production'
		]);
		const steady = await commitPrompt(core, { name: 'bye', content: 'Bye {{ name }}' }, [
			'production'
		]);
		await settle(core);
		const { secretKey } = await cliKey(relay, 'team');
		const post = async (observations: unknown[]) => {
			const res = await apiFetch(relay, '/v1/observations', secretKey, {
				method: 'POST',
				body: JSON.stringify({ observations })
			});
			expect(res.status).toBe(202);
		};
		const jitter = (i: number) => (i % 5) - 2;
		// 200 calls at ~100 ms, then 200 at ~300 ms; the other prompt stays at ~80 ms.
		await post(
			Array.from({ length: 200 }, (_, i) => ({
				prompt: 'greet',
				version: 1,
				latencyMs: 100 + jitter(i),
				score: 1,
				costUsd: 0.001,
				inputTokens: 10,
				outputTokens: 5
			}))
		);
		await post(
			Array.from({ length: 200 }, (_, i) => ({
				prompt: 'greet',
				version: 1,
				latencyMs: 300 + jitter(i),
				score: 1,
				success: i % 50 !== 0
			}))
		);
		await post(
			Array.from({ length: 300 }, (_, i) => ({
				prompt: 'bye',
				version: 1,
				latencyMs: 80 + jitter(i)
			}))
		);

		await waitFor(
			async () => (await core.analytics.production()).reduce((n, v) => n + v.count, 0) === 700,
			'the aggregates reach the app',
			10_000
		);
		const [greet, bye] = await core.analytics.production();
		expect(greet).toMatchObject({
			promptId: shifting.id,
			prompt: 'greet',
			versionId: shifting.versionId,
			count: 400,
			failures: 4,
			scoreMean: 1,
			tokensIn: 2000,
			tokensOut: 1000
		});
		expect(greet.latencyMean).toBeCloseTo(200, 0);
		expect(greet.costTotal).toBeCloseTo(0.2, 6);
		expect(greet.series).toHaveLength(16);
		expect(greet.drift).toEqual([
			expect.objectContaining({ metric: 'latency', direction: 'up', startBatch: 8 })
		]);
		expect(bye).toMatchObject({ promptId: steady.id, count: 300, drift: [] });

		// The aggregates are the relay's: a client writing them is refused.
		const forger = relays.client(relay, 'team/index', token);
		const errors = collectRelayErrors(forger);
		await waitFor(() => forger.provider.synced, 'forger synced');
		forger.doc.getMap(OBSERVATIONS_MAP).set(`${steady.id}\u0000${steady.versionId}`, { count: 1 });
		await waitFor(() => errors.length === 1, 'refusal reported');
		expect(errors[0]).toMatchObject({ code: 'forbidden' });
		expect(errors[0].message).toMatch(/written by the relay only/);
	});
});
