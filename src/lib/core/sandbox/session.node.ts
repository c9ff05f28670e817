/**
 * @module Module sessions (plugins) in Node: the QuickJS WebAssembly file read from the installed
 * package, compiled once per process. A call blocks the calling thread up to its time limit.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createModuleSessionFactory } from './session';

export const nodeModuleSessions = createModuleSessionFactory({
	compile: async () => {
		const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
		return WebAssembly.compile(await readFile(path));
	}
});
