/**
 * @module The sandbox worker's side: the engine, with the QuickJS WebAssembly file bundled by Vite
 * and fetched from the app's own origin (never a CDN). Nothing here evaluates strings as host
 * JavaScript, so the worker runs under the app's Content-Security-Policy (`'wasm-unsafe-eval'`
 * allows compiling the WebAssembly; there is no `'unsafe-eval'`).
 */
import wasmUrl from '@jitl/quickjs-wasmfile-release-sync/wasm?url';
import { createSandboxEngine } from './engine';
import { isSandboxError, type SandboxWorkerRequest, type SandboxWorkerResponse } from './sandbox';

const engine = createSandboxEngine({
	compile: async () => {
		const response = await fetch(wasmUrl);
		if (!response.ok) throw new Error(`${wasmUrl} answered HTTP ${response.status}`);
		return WebAssembly.compile(await response.arrayBuffer());
	}
});

/** Runs one request to completion; never rejects. */
export async function handleSandboxRequest(
	request: SandboxWorkerRequest
): Promise<SandboxWorkerResponse> {
	try {
		return { id: request.id, ok: true, json: await engine.runJson(request.job) };
	} catch (e) {
		return {
			id: request.id,
			ok: false,
			failure: isSandboxError(e)
				? e.failure
				: { kind: 'crashed', message: e instanceof Error ? e.message : String(e) }
		};
	}
}
