/** Serves the built app once for every e2e file. */
import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { startStaticServer } from '../../scripts/static-server.js';

declare module 'vitest' {
	export interface ProvidedContext {
		appUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const root = process.env.BUILD_DIR ?? 'build';
	if (!existsSync(`${root}/index.html`))
		throw new Error(`${root}/ is missing: run \`npm run build\` before the e2e tests`);
	const server = await startStaticServer({ root, port: 0 });
	project.provide('appUrl', server.url);
	return () => server.close();
}
