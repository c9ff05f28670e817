/**
 * @module Prompt-file benchmarks: `promptloom pull` of a 10,000-prompt workspace into an empty
 * folder (relay export, files, state and base copies written; the relay runs in its own process),
 * and the relay's export alone (its share of the pull), `promptloom status --offline` on the unchanged tree, and the language server's time from a
 * change of a 5 KB `.prompty` file to its diagnostics (a real LSP client over stdio). The
 * workspace is written straight into the relay's LevelDB with the API's document writers.
 * Prints JSON; never asserts on time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { main } from '../src/cli/main';
import { fetchWorkspace } from '../src/cli/sync/relay-api';
import {
	applyCommitToIndex,
	applyCommitToPromptDoc,
	planCommit
} from '../src/lib/core/api/workspace-writes';
import { promptDocId } from '../src/lib/core/sync/workspace-docs';
import { ApiKeyStore } from '../sync-server/src/api/keys';
import { openLeveldbStore } from '../sync-server/src/rooms/store';
import { makeDataDir, removeDataDir, spawnRelayProcess } from '../sync-server/testing/harness';
import { startLspClient } from '../tests/support/lsp-client';
import { percentile } from './stats';

const PROMPTS = Number(process.env.FILES_BENCH_PROMPTS ?? 10_000);
const STATUS_RUNS = 5;
const LSP_CHANGES = 60;

async function seed(dataDir: string, workspace: string): Promise<void> {
	const store = await openLeveldbStore(dataDir);
	const index = new Y.Doc();
	for (let i = 0; i < PROMPTS; i++) {
		const doc = new Y.Doc();
		const plan = await planCommit(
			{
				name: `prompt-${i}`,
				type: i % 2 ? 'chat' : 'text',
				content: `You answer questions about {{ topic }} (#${i}).\nKeep it under {{ words }} words.`,
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
		Y.transact(index, () => applyCommitToIndex(index, plan, doc));
		await store.append(`${workspace}/${promptDocId(plan.promptId)}`, Y.encodeStateAsUpdate(doc));
		doc.destroy();
	}
	await store.append(`${workspace}/index`, Y.encodeStateAsUpdate(index));
	await store.close();
}

async function cli(argv: string[], cwd: string): Promise<number> {
	let err = '';
	const code = await main(argv, {
		cwd,
		env: {},
		stdout: () => undefined,
		stderr: (t) => (err += t)
	});
	if (code !== 0) throw new Error(`promptloom ${argv[0]} exited ${code}: ${err}`);
	return code;
}

/** A 5 KB chat prompt with variables, loops and conditions. */
function fiveKb(n: number): string {
	const lines = [
		'---',
		'name: big',
		'model:',
		'  api: chat',
		'sample:',
		'  name: Ana',
		'  items: [a, b]',
		'---',
		'',
		'system:'
	];
	while (lines.join('\n').length < 4800)
		lines.push(
			`Rule ${lines.length}: answer {{ name }} about {% for i in items %}{{ i }}{% if not loop.last %}, {% endif %}{% endfor %} (v${n}).`
		);
	lines.push('', 'user:', '{{ question | default("Hi") }}', '');
	return lines.join('\n');
}

export async function run(): Promise<Record<string, number>> {
	const dataDir = await makeDataDir();
	const work = await mkdtemp(join(tmpdir(), 'promptloom-files-bench-'));
	try {
		await seed(dataDir, 'bench');
		const { secretKey } = await new ApiKeyStore(dataDir).create({
			workspace: 'bench',
			scope: 'read',
			name: 'bench',
			createdBy: 'bench'
		});
		const relay = await spawnRelayProcess(dataDir);
		let pullS: number;
		let exportS: number;
		const status: number[] = [];
		try {
			const t0 = performance.now();
			await cli(['pull', 'prompts', '--relay', relay.url, '--key', secretKey], work);
			pullS = (performance.now() - t0) / 1000;
			// The relay's share of a pull: the workspace export alone.
			const t1 = performance.now();
			await fetchWorkspace({ url: relay.url, key: secretKey });
			exportS = (performance.now() - t1) / 1000;
		} finally {
			await relay.kill();
		}
		for (let i = 0; i < STATUS_RUNS; i++) {
			const t0 = performance.now();
			await cli(['status', 'prompts', '--offline', '--json'], work);
			status.push(performance.now() - t0);
		}

		const lspDir = join(work, 'lsp');
		const { mkdir, writeFile } = await import('node:fs/promises');
		await mkdir(lspDir, { recursive: true });
		await writeFile(join(lspDir, 'big.prompty'), fiveKb(0));
		const client = await startLspClient(pathToFileURL(lspDir).toString());
		const uri = pathToFileURL(join(lspDir, 'big.prompty')).toString();
		const times: number[] = [];
		try {
			const first = client.nextDiagnostics(uri);
			client.open(uri, fiveKb(0));
			await first;
			for (let v = 2; v < LSP_CHANGES + 2; v++) {
				const next = client.nextDiagnostics(uri);
				const t0 = performance.now();
				client.change(uri, v, fiveKb(v));
				await next;
				times.push(performance.now() - t0);
			}
		} finally {
			await client.close();
		}
		return {
			'files.pull_10k_s': Number(pullS.toFixed(2)),
			'files.pull_10k_relay_export_s': Number(exportS.toFixed(2)),
			'files.status_10k_ms': Number(percentile(status, 50).toFixed(1)),
			'lsp.diagnostics_ms': Number(percentile(times, 95).toFixed(1))
		};
	} finally {
		await removeDataDir(dataDir);
		await rm(work, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
	console.log(JSON.stringify(await run(), null, 2));
