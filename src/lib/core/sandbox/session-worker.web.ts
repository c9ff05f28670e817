/**
 * @module The plugin worker's side: module sessions over the QuickJS WebAssembly file bundled by
 * Vite and fetched from the app's own origin, under the app's Content-Security-Policy (no
 * `'unsafe-eval'`). Each request is answered with plain data; nothing here evaluates host code.
 */
import wasmUrl from '@jitl/quickjs-wasmfile-release-sync/wasm?url';
import { isSandboxError } from './sandbox';
import {
	createModuleSessionFactory,
	type ModuleSession,
	type SessionWorkerRequest,
	type SessionWorkerResponse
} from './session';

const factory = createModuleSessionFactory({
	compile: async () => {
		const response = await fetch(wasmUrl);
		if (!response.ok) throw new Error(`${wasmUrl} answered HTTP ${response.status}`);
		return WebAssembly.compile(await response.arrayBuffer());
	}
});
const sessions = new Map<number, ModuleSession>();

async function answer(r: SessionWorkerRequest): Promise<string | boolean | null> {
	if (r.op === 'open') {
		sessions.get(r.session)?.dispose();
		sessions.set(r.session, await factory.open(r.options));
		return null;
	}
	if (r.op === 'dispose') {
		sessions.get(r.session)?.dispose();
		sessions.delete(r.session);
		return null;
	}
	const s = sessions.get(r.session);
	if (!s) throw new Error('no such plugin session (the worker was restarted)');
	return r.op === 'call' ? s.callJson(r.path, r.inputJson, r.timeoutMs) : s.isFunction(r.path);
}

/** Handles one request; never rejects. */
export async function handleSessionRequest(
	r: SessionWorkerRequest
): Promise<SessionWorkerResponse> {
	try {
		return { id: r.id, ok: true, value: await answer(r) };
	} catch (e) {
		return {
			id: r.id,
			ok: false,
			failure: isSandboxError(e)
				? e.failure
				: { kind: 'crashed', message: e instanceof Error ? e.message : String(e) }
		};
	}
}
