/**
 * @module The sandbox engine: QuickJS compiled to WebAssembly (quickjs-emscripten, release build),
 * the same in Node and in the browser. Every job gets a fresh QuickJS runtime and context with a
 * stack limit and an interrupt handler for its time limit. No host function is ever installed in
 * the context; the input goes in as JSON text and the result comes out as JSON text, both parsed
 * on the far side.
 *
 * Memory is capped by the WebAssembly memory itself: QuickJS's own limit
 * (`JS_SetMemoryLimit`) counts 8 bytes per allocation in this build (it has no
 * `malloc_usable_size`), so the instance gets a `WebAssembly.Memory` whose maximum is its
 * baseline plus the job's limit, and an allocation past it fails inside QuickJS as "out of
 * memory". A failure of the engine itself (the host's stack running out inside the WebAssembly
 * code, a trap) discards the instance; the next job gets a new one.
 */
import variant from '@jitl/quickjs-wasmfile-release-sync';
import {
	newQuickJSWASMModuleFromVariant,
	newVariant,
	type EmscriptenModuleLoaderOptions,
	type QuickJSContext,
	type QuickJSHandle,
	type QuickJSRuntime,
	type QuickJSWASMModule
} from 'quickjs-emscripten-core';
import {
	MIN_MEMORY_BYTES,
	SANDBOX_DEFAULTS,
	SandboxError,
	type JsonValue,
	type SandboxFailure,
	type SandboxJob
} from './sandbox';

/** Memory the harness keeps free for the host while the job runs (see HARNESS). */
const RESERVE_BYTES = 256 * 1024;

/**
 * Runs inside each fresh context before the job's code, and keeps private copies of the built-ins
 * it needs, so code that replaces `JSON` or `Promise.prototype.then` only spoils its own result.
 * It also closes code generation from strings (`eval`, `Function` and its async and generator
 * siblings): harmless inside QuickJS, but scorers never had it and what a reviewer reads is then
 * all that runs. `read()` is `v` + the result's JSON, `r` + what the result is when JSON cannot
 * hold it, `f` + what the script evaluated to when not a function, `m` when memory ran out, `e`
 * when the code threw and `x` when serialising the result threw (`error()` has the error), or
 * undefined while the code's promise is pending. Kept small: it runs for every job.
 * It holds a reserve of memory until the job ends, so the host's calls afterwards (reading the
 * result, describing an error) never find the engine's memory filled to the last byte.
 */
const HARNESS = String.raw`(() => {
'use strict';
const G = globalThis, parse = JSON.parse, stringify = JSON.stringify, apply = Reflect.apply;
const then = Promise.prototype.then, resolve = Promise.resolve, P = Promise;
const kit = { stringify, String, getOwn: Object.getOwnPropertyDescriptor, InternalError: G.InternalError };
const refuse = function Function() {
	throw new EvalError('code generation from strings is not allowed in the sandbox');
};
for (const f of [function () {}, async function () {}, function* () {}, async function* () {}])
	Object.defineProperty(Object.getPrototypeOf(f), 'constructor', { value: refuse, writable: false, configurable: false });
Object.defineProperty(refuse, 'prototype', { value: Function.prototype, writable: false });
Object.defineProperty(G, 'Function', { value: refuse, writable: false, configurable: false, enumerable: false });
delete G.eval;
let state, error, reserve = new ArrayBuffer(RESERVE_BYTES);
// Out of memory with no room left for the error object, QuickJS throws null: tell it apart from
// a thrown null by trying a small allocation before the reserve is given back.
const full = (e) => {
	if (e !== null) return false;
	try { new ArrayBuffer(65536); return false; } catch { return true; }
};
const fail = (e) => { error = e; state = full(e) ? 'm' : 'e'; reserve = null; };
const settle = (v) => {
	try {
		const json = stringify(v === undefined ? null : v);
		state = typeof json === 'string' ? 'v' + json : 'r' + (typeof v === 'function' ? 'a function' : 'a ' + typeof v);
	} catch (e) { error = e; state = full(e) ? 'm' : 'x'; }
	reserve = null;
};
return {
	start(fn, inputJson) {
		if (typeof fn !== 'function') { state = 'f' + (fn === null ? 'null' : typeof fn); return; }
		let r, t;
		try {
			r = fn(parse(inputJson));
			t = r !== null && (typeof r === 'object' || typeof r === 'function') ? r.then : undefined;
		} catch (e) { fail(e); return; }
		if (typeof t !== 'function') { settle(r); return; }
		try { apply(then, apply(resolve, P, [r]), [settle, fail]); } catch (e) { fail(e); }
	},
	fail,
	read() { reserve = null; return state; },
	error() { return error; },
	kit() { return kit; }
};
})()`.replace('RESERVE_BYTES', String(RESERVE_BYTES));

/**
 * Evaluated only after a failure: describes the error the harness kept as JSON text (kind, class
 * name, message, stack), with the built-ins the harness saved before the job's code ran.
 */
const DESCRIBE = String.raw`((kit) => (e) => {
'use strict';
const text = (v, fallback) => { try { return v === undefined ? fallback : kit.String(v); } catch { return fallback; } };
const field = (key) => { try { return e[key]; } catch { return undefined; } };
if (e === null || (typeof e !== 'object' && typeof e !== 'function'))
	return kit.stringify({ kind: 'thrown', name: 'Error', message: text(e, 'error') });
const name = text(field('name'), 'Error'), message = text(field('message'), 'error');
let internal = false;
try { internal = typeof kit.InternalError === 'function' && e instanceof kit.InternalError; } catch {}
let kind = 'thrown';
if (internal && message === 'out of memory') kind = 'memory';
else if (message === 'stack overflow' && (internal || name === 'SyntaxError')) kind = 'stack';
else if (name === 'SyntaxError' && kit.getOwn(e, 'lineNumber')) kind = 'syntax';
return kit.stringify({ kind, name, message, stack: text(field('stack'), '').slice(0, 2000) });
})`;

const HARNESS_FILE = 'sandbox-harness.js';
const DESCRIBE_FILE = 'sandbox-describe.js';
const FILENAME = /^[\w.-]{1,64}$/;

interface Limits {
	code: string;
	inputJson: string;
	timeoutMs: number;
	memoryBytes: number;
	stackBytes: number;
	filename: string;
}

function positive(value: number | undefined, fallback: number | undefined, name: string): number {
	if (value === undefined && fallback !== undefined) return fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
		throw new SandboxError({ kind: 'input', message: `${name} must be a positive number` });
	return Math.round(value);
}

/** Checks a job and turns its input into JSON text; throws a `SandboxError` of kind `input`. */
function limitsOf(job: SandboxJob): Limits {
	if (typeof job?.code !== 'string')
		throw new SandboxError({ kind: 'input', message: 'code must be a string' });
	let inputJson: string | undefined = job.inputJson;
	try {
		if (typeof inputJson !== 'string')
			inputJson = JSON.stringify(job.input === undefined ? null : job.input);
	} catch (e) {
		throw new SandboxError({
			kind: 'input',
			message: `input is not JSON-serialisable: ${(e as Error).message}`
		});
	}
	if (typeof inputJson !== 'string')
		throw new SandboxError({ kind: 'input', message: 'input is not JSON-serialisable' });
	const memoryBytes = Math.max(
		MIN_MEMORY_BYTES,
		positive(job.memoryBytes, SANDBOX_DEFAULTS.memoryBytes, 'memoryBytes')
	);
	// Code and input are copied into the engine's memory as UTF-8 (up to 3 bytes per UTF-16 unit)
	// before any limit applies inside QuickJS: keep them to half of the job's memory.
	if ((job.code.length + inputJson.length) * 3 > memoryBytes / 2)
		throw new SandboxError({
			kind: 'input',
			message: `code and input are too large for the memory limit of ${Math.round(memoryBytes / 1048576)} MB`
		});
	return {
		code: job.code,
		inputJson,
		timeoutMs: Math.max(1, positive(job.timeoutMs, undefined, 'timeoutMs')),
		memoryBytes,
		stackBytes: positive(job.stackBytes, SANDBOX_DEFAULTS.stackBytes, 'stackBytes'),
		filename: job.filename && FILENAME.test(job.filename) ? job.filename : SANDBOX_DEFAULTS.filename
	};
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Turns the harness's description of an error into a failure with a location in the job's file. */
function failureFrom(raw: unknown, limits: Limits): SandboxFailure {
	const d = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
	const kinds = ['syntax', 'thrown', 'memory', 'stack'] as const;
	const kind = kinds.find((k) => k === d.kind) ?? 'thrown';
	const failure: SandboxFailure = {
		kind,
		message: typeof d.message === 'string' ? d.message.slice(0, 2000) : 'error'
	};
	if (typeof d.name === 'string' && (kind === 'syntax' || kind === 'thrown')) failure.name = d.name;
	if (kind === 'memory') failure.limit = limits.memoryBytes;
	if (kind === 'stack') failure.limit = limits.stackBytes;
	const where =
		typeof d.stack === 'string'
			? new RegExp(`${escapeRegExp(limits.filename)}:(\\d+)(?::(\\d+))?`).exec(d.stack)
			: null;
	if (where) {
		failure.line = Number(where[1]);
		if (where[2]) failure.column = Number(where[2]);
	}
	return failure;
}

/** Disposes a handle, ignoring a runtime that is already unusable. */
function release(h: { dispose(): void } | undefined): void {
	try {
		h?.dispose();
	} catch {
		// the engine instance is discarded after a failure anyway
	}
}

/** Calls `harness[method](...args)` and reports whether the call itself failed (interrupt, memory). */
function callHarness(
	ctx: QuickJSContext,
	harness: QuickJSHandle,
	method: 'start' | 'fail' | 'read' | 'error' | 'kit',
	...args: QuickJSHandle[]
): { ok: boolean; value?: QuickJSHandle } {
	const fn = ctx.getProp(harness, method);
	try {
		const r = ctx.callFunction(fn, harness, ...args);
		if (r.error) {
			release(r.error);
			return { ok: false };
		}
		return { ok: true, value: r.value };
	} finally {
		release(fn);
	}
}

/** Runs every pending promise job until none is left or the time is up. */
function drain(rt: QuickJSRuntime, expired: () => boolean): void {
	while (rt.hasPendingJob() && !expired()) {
		const r = rt.executePendingJobs(-1);
		if (r.error) release(r.error);
	}
}

type Outcome = { json: string } | { failure: SandboxFailure };

/**
 * Runs one job in a fresh runtime; returns the result's JSON text or a failure, and whether the
 * runtime could be freed cleanly (if not, the instance must not be used again). Throws only when
 * the engine itself failed; the runtime is then left as it is, with the instance.
 */
function execute(
	module: QuickJSWASMModule,
	limits: Limits,
	now: () => number
): { outcome: Outcome; clean: boolean } {
	const rt = module.newRuntime();
	let ctx: QuickJSContext | undefined;
	let outcome: Outcome;
	try {
		rt.setMaxStackSize(limits.stackBytes);
		const deadline = now() + limits.timeoutMs;
		let timedOut = false;
		const expired = () => (timedOut ||= now() > deadline);
		rt.setInterruptHandler(expired);
		try {
			ctx = rt.newContext();
		} catch {
			ctx = undefined;
		}
		outcome = ctx ? runInContext(rt, ctx, limits, expired) : { failure: memoryFailure(limits) };
	} catch (e) {
		throw new EngineFailure(e);
	}
	try {
		ctx?.dispose();
		rt.dispose();
		return { outcome, clean: true };
	} catch {
		return { outcome, clean: false };
	}
}

/** The engine (not the code it ran) failed; carries what the host threw. */
class EngineFailure extends Error {
	constructor(readonly reason: unknown) {
		super('the sandbox engine failed');
	}
}

const memoryFailure = (limits: Limits): SandboxFailure => ({
	kind: 'memory',
	message: 'out of memory',
	limit: limits.memoryBytes
});

/** The harness's kept error, described inside the context; undefined if that failed (memory). */
function describeError(ctx: QuickJSContext, harness: QuickJSHandle): unknown {
	const made = ctx.evalCode(DESCRIBE, DESCRIBE_FILE, { type: 'global' });
	if (made.error) {
		release(made.error);
		return undefined;
	}
	const handles: QuickJSHandle[] = [made.value];
	try {
		const kit = callHarness(ctx, harness, 'kit');
		const error = callHarness(ctx, harness, 'error');
		if (kit.value) handles.push(kit.value);
		if (error.value) handles.push(error.value);
		if (!kit.value || !error.value) return undefined;
		const bound = ctx.callFunction(made.value, ctx.undefined, kit.value);
		if (bound.error) {
			release(bound.error);
			return undefined;
		}
		handles.push(bound.value);
		const text = ctx.callFunction(bound.value, ctx.undefined, error.value);
		if (text.error) {
			release(text.error);
			return undefined;
		}
		handles.push(text.value);
		if (ctx.typeof(text.value) !== 'string') return undefined;
		return JSON.parse(ctx.getString(text.value));
	} finally {
		for (const h of handles) release(h);
	}
}

function runInContext(
	rt: QuickJSRuntime,
	ctx: QuickJSContext,
	limits: Limits,
	expired: () => boolean
): Outcome {
	const timeout: SandboxFailure = {
		kind: 'timeout',
		message: `time limit of ${limits.timeoutMs} ms exceeded`,
		limit: limits.timeoutMs
	};
	const h = ctx.evalCode(HARNESS, HARNESS_FILE, { type: 'global' });
	if (h.error) {
		release(h.error);
		return { failure: expired() ? timeout : memoryFailure(limits) };
	}
	const harness = h.value;
	try {
		let harnessFailed = false;
		const evaluated = ctx.evalCode(limits.code, limits.filename, { type: 'global', strict: true });
		if (evaluated.error) {
			const r = callHarness(ctx, harness, 'fail', evaluated.error);
			release(r.value);
			release(evaluated.error);
			harnessFailed = !r.ok;
		} else {
			const input = ctx.newString(limits.inputJson);
			try {
				const r = callHarness(ctx, harness, 'start', evaluated.value, input);
				release(r.value);
				harnessFailed = !r.ok;
			} finally {
				release(input);
				release(evaluated.value);
			}
		}
		drain(rt, expired);
		if (expired()) return { failure: timeout };
		const read = callHarness(ctx, harness, 'read');
		let state: string | undefined;
		try {
			if (read.value && ctx.typeof(read.value) === 'string') state = ctx.getString(read.value);
		} finally {
			release(read.value);
		}
		if (state === undefined)
			return {
				failure:
					harnessFailed || !read.ok
						? memoryFailure(limits)
						: { kind: 'unsettled', message: 'the promise never settled' }
			};
		switch (state[0]) {
			case 'v':
				return { json: state.slice(1) };
			case 'r':
				return { failure: { kind: 'result', message: `got ${state.slice(1)}` } };
			case 'm':
				return { failure: memoryFailure(limits) };
			case 'f':
				return {
					failure: {
						kind: 'entry',
						message: `the code must evaluate to a function, got ${state.slice(1)}`
					}
				};
		}
		const described = describeError(ctx, harness);
		if (expired()) return { failure: timeout };
		if (described === undefined) return { failure: memoryFailure(limits) };
		const failure = failureFrom(described, limits);
		// Serialising the result threw: a cycle or a BigInt, unless a limit was hit doing it.
		if (state[0] === 'x' && failure.kind !== 'memory' && failure.kind !== 'stack')
			return { failure: { kind: 'result', message: failure.message } };
		return { failure };
	} finally {
		release(harness);
	}
}

/** What the engine needs from its platform: the compiled QuickJS WebAssembly module. */
export interface SandboxEngineOptions {
	/** Compiles `@jitl/quickjs-wasmfile-release-sync/wasm`; called once (again after a failure). */
	compile: () => Promise<WebAssembly.Module>;
	/** Clock in milliseconds (default `performance.now`). */
	now?: () => number;
}

export interface SandboxEngine {
	/** Runs a job; resolves with the result as JSON text. Rejects with a `SandboxError`. */
	runJson(job: SandboxJob): Promise<string>;
	/** Runs a job; resolves with the parsed result. Rejects with a `SandboxError`. */
	run(job: SandboxJob): Promise<JsonValue>;
}

/** Emscripten's output hooks: an engine abort becomes the job's failure, not console output. */
const QUIET: EmscriptenModuleLoaderOptions & Record<'print' | 'printErr', () => void> = {
	print() {},
	printErr() {}
};

const PAGE = 64 * 1024;
/** The linear memory the QuickJS build starts with (its stack, data and first heap pages). */
const BASELINE_BYTES = 16 * 1024 * 1024;

/**
 * The engine for one platform. Jobs run synchronously on the calling thread once the WebAssembly
 * instance exists (the time limit bounds each one), so in a browser call it from a worker. One
 * instance serves every job with the same memory limit, each job in its own QuickJS runtime.
 */
export function createSandboxEngine(options: SandboxEngineOptions): SandboxEngine {
	const now = options.now ?? (() => performance.now());
	let compiled: Promise<WebAssembly.Module> | null = null;
	type Instance = { memoryBytes: number; module: Promise<QuickJSWASMModule> };
	let instance: Instance | null = null;

	const load = (memoryBytes: number): Instance => {
		if (instance?.memoryBytes === memoryBytes) return instance;
		const module = (async () => {
			compiled ??= options.compile();
			const wasmModule = await compiled;
			const wasmMemory = new WebAssembly.Memory({
				initial: BASELINE_BYTES / PAGE,
				maximum: Math.ceil((BASELINE_BYTES + RESERVE_BYTES + memoryBytes) / PAGE)
			});
			return newQuickJSWASMModuleFromVariant(
				newVariant(variant, {
					wasmModule,
					wasmMemory,
					emscriptenModule: QUIET
				})
			);
		})().catch((e: unknown) => {
			compiled = null;
			if (instance === entry) instance = null;
			throw new SandboxError({
				kind: 'crashed',
				message: `the WebAssembly engine could not start: ${(e as Error)?.message ?? String(e)}`
			});
		});
		const entry: Instance = { memoryBytes, module };
		instance = entry;
		return entry;
	};

	const runJson = async (job: SandboxJob): Promise<string> => {
		const limits = limitsOf(job);
		const entry = load(limits.memoryBytes);
		const module = await entry.module;
		let result: ReturnType<typeof execute>;
		try {
			result = execute(module, limits, now);
		} catch (e) {
			// The engine itself failed (the host's stack ran out inside WebAssembly, a trap): this
			// instance's state is unknown, so the next job gets a new one.
			if (instance === entry) instance = null;
			const reason = e instanceof EngineFailure ? e.reason : e;
			const hostStack = reason instanceof RangeError && /call stack/i.test(reason.message);
			throw new SandboxError(
				hostStack
					? { kind: 'stack', message: 'stack overflow', limit: limits.stackBytes }
					: { kind: 'crashed', message: (reason as Error)?.message ?? String(reason) }
			);
		}
		if (!result.clean && instance === entry) instance = null;
		if ('failure' in result.outcome) throw new SandboxError(result.outcome.failure);
		return result.outcome.json;
	};

	return {
		runJson,
		run: async (job) => JSON.parse(await runJson(job)) as JsonValue
	};
}
