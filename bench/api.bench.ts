/**
 * @module HTTP API benchmarks: `GET /v1/prompts/{name}` from 200 concurrent clients against a relay
 * in its own process (latency p99 and requests per second), the first GET after the relay starts
 * (documents loaded from LevelDB and decoded), and a cache hit of `PromptloomClient.getPrompt`.
 * The workspace (1,000 committed prompts with production labels) is written straight into the
 * relay's LevelDB with the same document writers the API uses. The load generator shares the
 * machine with the relay, so both figures include its cost. Prints JSON; never asserts on time.
 */
import * as Y from 'yjs';
import {
	applyCommitToIndex,
	applyCommitToPromptDoc,
	applyLabelMove,
	planCommit
} from '../src/lib/core/api/workspace-writes';
import { promptDocId } from '../src/lib/core/sync/workspace-docs';
import { PromptloomClient } from '../src/client/client';
import { ApiKeyStore } from '../sync-server/src/api/keys';
import { openLeveldbStore } from '../sync-server/src/rooms/store';
import { makeDataDir, removeDataDir, spawnRelayProcess } from '../sync-server/testing/harness';

const PROMPTS = 1000;
const CLIENTS = Number(process.env.API_BENCH_CLIENTS ?? 200);
const DURATION_MS = 5000;
const HOT_PROMPTS = 50;

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Writes `PROMPTS` committed prompts with production labels into the relay's store. */
async function seed(dataDir: string, workspace: string): Promise<void> {
	const store = await openLeveldbStore(dataDir);
	const index = new Y.Doc();
	for (let i = 0; i < PROMPTS; i++) {
		const doc = new Y.Doc();
		const plan = await planCommit(
			{
				name: `prompt-${i}`,
				type: i % 2 ? 'chat' : 'text',
				content: `You answer questions about {{ topic }} (#${i}). Keep it under {{ words }} words.`,
				messages: [
					{ role: 'system', content: `You are assistant #${i} for {{ product }}.` },
					{ role: 'user', content: '{{ question }}' }
				],
				tags: [i % 3 ? 'support' : 'sales'],
				message: 'seed',
				author: 'bench'
			},
			undefined,
			undefined,
			Date.now()
		);
		Y.transact(doc, () => applyCommitToPromptDoc(doc, plan));
		Y.transact(index, () => {
			applyCommitToIndex(index, plan, doc);
			applyLabelMove(
				index,
				{ promptId: plan.promptId, label: 'production', versionId: plan.version.id, from: null },
				'bench',
				Date.now()
			);
		});
		await store.append(`${workspace}/${promptDocId(plan.promptId)}`, Y.encodeStateAsUpdate(doc));
		doc.destroy();
	}
	await store.append(`${workspace}/index`, Y.encodeStateAsUpdate(index));
	await store.close();
}

export async function run(): Promise<Record<string, number>> {
	const dataDir = await makeDataDir();
	const workspace = 'bench';
	try {
		await seed(dataDir, workspace);
		// One key per client: the figures measure the relay, not one key's rate limit.
		const keys = new ApiKeyStore(dataDir);
		const secrets: string[] = [];
		for (let i = 0; i < CLIENTS; i++)
			secrets.push(
				(await keys.create({ workspace, scope: 'read', name: `client-${i}`, createdBy: 'bench' }))
					.secretKey
			);
		const relay = await spawnRelayProcess(dataDir);
		try {
			const get = async (secret: string, name: string) => {
				const res = await fetch(`${relay.url}/v1/prompts/${name}`, {
					headers: { authorization: `Bearer ${secret}` }
				});
				if (res.status !== 200) throw new Error(`GET ${name} answered ${res.status}`);
				await res.arrayBuffer();
			};
			const coldStart = performance.now();
			await get(secrets[0], 'prompt-7');
			const coldMs = performance.now() - coldStart;

			// Warm the hot set, then 200 clients in a closed loop for DURATION_MS.
			for (let i = 0; i < HOT_PROMPTS; i++) await get(secrets[0], `prompt-${i}`);
			const latencies: number[] = [];
			const deadline = performance.now() + DURATION_MS;
			const started = performance.now();
			await Promise.all(
				secrets.map(async (secret, c) => {
					for (let n = 0; performance.now() < deadline; n++) {
						const t0 = performance.now();
						await get(secret, `prompt-${(c + n) % HOT_PROMPTS}`);
						latencies.push(performance.now() - t0);
					}
				})
			);
			const elapsed = (performance.now() - started) / 1000;

			// A cache hit of the application client (no network).
			const client = new PromptloomClient({ baseUrl: relay.url, apiKey: secrets[0] });
			await client.getPrompt('prompt-1');
			const N = 100_000;
			const t0 = performance.now();
			for (let i = 0; i < N; i++) await client.getPrompt('prompt-1');
			const cachedUs = ((performance.now() - t0) * 1000) / N;

			return {
				'api.get_p99_ms_200_clients': Number(percentile(latencies, 99).toFixed(2)),
				'api.get_p50_ms_200_clients': Number(percentile(latencies, 50).toFixed(2)),
				'api.get_per_s': Math.round(latencies.length / elapsed),
				'api.cold_get_ms': Number(coldMs.toFixed(1)),
				'client.cached_get_us': Number(cachedUs.toFixed(2))
			};
		} finally {
			await relay.kill();
		}
	} finally {
		await removeDataDir(dataDir);
	}
}
