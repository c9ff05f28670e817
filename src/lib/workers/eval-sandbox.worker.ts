/**
 * @module Browser Web Worker that runs custom JavaScript scorers. Before any user code runs it
 * removes network, storage and code-loading globals (fetch, XMLHttpRequest, WebSocket, indexedDB,
 * caches, importScripts, nested workers…) from the worker's global object and its prototypes,
 * closes every route to string evaluation (eval, Function and its async/generator siblings,
 * string timers) and refuses code that names `import`. The host terminates the worker on timeout.
 */
import { wrapScorerCode } from '../core/eval/sandbox/js-sandbox';

interface Job {
	id: number;
	code: string;
	inputJson: string;
}

const scope = self as unknown as Record<string, unknown> & typeof globalThis;
const post = (scope.postMessage as (m: unknown) => void).bind(scope);
const listen = (scope.addEventListener as typeof addEventListener).bind(scope);
const FunctionCtor = Function;
const stringify = JSON.stringify;
const parseJson = JSON.parse;
const realSetTimeout = setTimeout;
const realSetInterval = setInterval;

/** Globals user code must not reach. */
const BLOCKED_GLOBALS = [
	'fetch',
	'XMLHttpRequest',
	'WebSocket',
	'WebSocketStream',
	'WebTransport',
	'EventSource',
	'RTCPeerConnection',
	'Request',
	'Response',
	'Headers',
	'indexedDB',
	'IDBFactory',
	'caches',
	'CacheStorage',
	'cookieStore',
	'storage',
	'navigator',
	'importScripts',
	'Worker',
	'SharedWorker',
	'BroadcastChannel',
	'MessageChannel',
	'FileReaderSync',
	'Notification',
	'eval',
	'postMessage',
	'addEventListener',
	'removeEventListener',
	'onmessage',
	'onmessageerror'
];

function remove(name: string): void {
	for (let o: object | null = scope; o; o = Object.getPrototypeOf(o)) {
		try {
			delete (o as Record<string, unknown>)[name];
		} catch {
			// not configurable: shadowed below
		}
	}
	if (name in scope) {
		try {
			Object.defineProperty(scope, name, {
				value: undefined,
				writable: false,
				configurable: false
			});
		} catch {
			// nothing more can be done; the escape test in the e2e suite checks the result
		}
	}
}

function blocked(): never {
	throw new Error('code generation is not allowed in scorers');
}

function lockDown(): void {
	for (const name of BLOCKED_GLOBALS) remove(name);
	const ctors = [
		FunctionCtor,
		Object.getPrototypeOf(async function () {}).constructor,
		Object.getPrototypeOf(function* () {}).constructor,
		Object.getPrototypeOf(async function* () {}).constructor
	] as { prototype: object }[];
	for (const C of ctors)
		Object.defineProperty(C.prototype, 'constructor', { value: blocked, writable: false });
	Object.defineProperty(scope, 'Function', {
		value: blocked,
		writable: false,
		configurable: false
	});
	const onlyFunctions =
		(timer: typeof setTimeout) =>
		(fn: unknown, ms?: number, ...args: unknown[]) => {
			if (typeof fn !== 'function') blocked();
			return timer(fn as () => void, ms, ...args);
		};
	scope.setTimeout = onlyFunctions(realSetTimeout) as typeof setTimeout;
	scope.setInterval = onlyFunctions(realSetInterval as typeof setTimeout) as typeof setInterval;
}

function reply(id: number, body: { ok: true; value: unknown } | { ok: false; error: string }) {
	let text: string;
	try {
		text = stringify(body.ok ? { id, ok: true, value: body.value ?? null } : { id, ...body });
	} catch (e) {
		text = stringify({
			id,
			ok: false,
			error: `result is not JSON-serialisable: ${(e as Error).message}`
		});
	}
	post(text);
}

function messageOf(e: unknown): string {
	try {
		return String(e && typeof e === 'object' && 'message' in e ? (e as Error).message : e);
	} catch {
		return 'error';
	}
}

async function runJob(job: Job): Promise<void> {
	if (/\bimport\b/.test(job.code)) {
		reply(job.id, {
			ok: false,
			error: 'import is not allowed in scorers (no modules, no network)'
		});
		return;
	}
	try {
		const fn = new FunctionCtor(`"use strict"; return (${wrapScorerCode(job.code)});`)() as (
			output: string,
			context: unknown
		) => unknown;
		const input = parseJson(job.inputJson) as { output: string; context: unknown };
		const value = await fn(input.output, input.context);
		reply(job.id, { ok: true, value });
	} catch (e) {
		reply(job.id, { ok: false, error: messageOf(e) });
	}
}

listen('message', (e: MessageEvent<Job>) => void runJob(e.data));
lockDown();
post(stringify({ ready: true }));
