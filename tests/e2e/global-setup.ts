/** Serves the built app, the test LLM server and a sync relay once for every e2e file. */
import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer } from '../../scripts/static-server.js';
import { startMockLlm } from '../support/mock-llm/server';
import { silentLogger, startRelay } from '../../sync-server/src/index';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The built app, served as a static host would. */
		appUrl: string;
		/** The test LLM server (OpenAI clients use `${llmUrl}/v1`). */
		llmUrl: string;
		/** The sync relay, and its data folder (for `createToken`). */
		relayUrl: string;
		relayDataDir: string;
	}
}

export default async function setup(project: TestProject) {
	const root = process.env.BUILD_DIR ?? 'build';
	if (!existsSync(`${root}/index.html`))
		throw new Error(`${root}/ is missing: run \`npm run build\` before the e2e tests`);
	const app = await startStaticServer({ root, port: 0 });
	const llm = await startMockLlm({ port: 0 });
	const relayDataDir = await mkdtemp(join(tmpdir(), 'promptloom-e2e-relay-'));
	const relay = await startRelay({ port: 0, dataDir: relayDataDir, logger: silentLogger });
	project.provide('appUrl', app.url);
	project.provide('llmUrl', llm.url);
	project.provide('relayUrl', relay.url);
	project.provide('relayDataDir', relayDataDir);
	return async () => {
		await Promise.allSettled([app.close(), llm.close(), relay.close()]);
		await rm(relayDataDir, { recursive: true, force: true });
	};
}
