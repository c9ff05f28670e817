/**
 * @module Module sessions of the sandbox: an ES module (a plugin) loaded once into its own QuickJS
 * runtime and WebAssembly instance, then its exported functions called many times with JSON text
 * in and JSON text out. Same engine and the same rules as one-off jobs (`engine.ts`): no host
 * function is ever installed, `eval`/`Function` are closed, `import()` finds no module loader.
 * Each call has its own time limit (interrupt handler), the instance's memory is the plugin's
 * memory limit, and a call that runs out of time, memory or stack discards the session: the next
 * call loads the module afresh, so a half-changed module state never leaks into later calls.
 */
import variant from '@jitl/quickjs-wasmfile-release-sync';
import {
	newQuickJSWASMModuleFromVariant,
	newVariant,
	type EmscriptenModuleLoaderOptions,
	type QuickJSContext,
	type QuickJSHandle,
	type QuickJSRuntime
} from 'quickjs-emscripten-core';
import { MIN_MEMORY_BYTES, SANDBOX_DEFAULTS, SandboxError, type SandboxFailure } from './sandbox';

const RESERVE_BYTES = 256 * 1024;
const PAGE = 64 * 1024;
const BASELINE_BYTES = 16 * 1024 * 1024;
const HARNESS_FILE = 'session-harness.js';

/**
 * Evaluated before the module: keeps private copies of the built-ins it needs, closes code
 * generation from strings, and returns the session's controller (never reachable from the
 * module). `call` walks own properties of the module's exports along `path`, calls the function
 * found with the parsed input and keeps its settled result as `v` + JSON, or `e`/`x`/`m`/`r`/`n`
 * (threw, result not serialisable, out of memory, result not JSON, no such export).
 */
const HARNESS = String.raw`(() => {
'use strict';
const G = globalThis, parse = JSON.parse, stringify = JSON.stringify, apply = Reflect.apply;
const hasOwn = Object.prototype.hasOwnProperty, then = Promise.prototype.then, resolve = Promise.resolve, P = Promise;
const Str = String, getOwn = Object.getOwnPropertyDescriptor, InternalError = G.InternalError;
const refuse = function Function() {
	throw new EvalError('code generation from strings is not allowed in the sandbox');
};
for (const f of [function () {}, async function () {}, function* () {}, async function* () {}])
	Object.defineProperty(Object.getPrototypeOf(f), 'constructor', { value: refuse, writable: false, configurable: false });
Object.defineProperty(refuse, 'prototype', { value: Function.prototype, writable: false });
Object.defineProperty(G, 'Function', { value: refuse, writable: false, configurable: false, enumerable: false });
delete G.eval;
let ns = null, state, error, reserve = null;
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
const find = (path) => {
	let at = ns;
	for (const key of path) {
		if (at === null || (typeof at !== 'object' && typeof at !== 'function') || !apply(hasOwn, at, [key])) return undefined;
		at = at[key];
	}
	return at;
};
const text = (v, fallback) => { try { return v === undefined ? fallback : Str(v); } catch { return fallback; } };
return {
	install(m) { ns = m; },
	keep(e) { error = e; },
	isFunction(pathJson) {
		try { return typeof find(parse(pathJson)) === 'function' ? 'y' : 'n'; } catch { return 'n'; }
	},
	call(pathJson, inputJson) {
		state = undefined; error = undefined; reserve = new ArrayBuffer(RESERVE_BYTES);
		let fn, r, t;
		try { fn = find(parse(pathJson)); } catch (e) { fail(e); return; }
		if (typeof fn !== 'function') { state = 'n'; reserve = null; return; }
		try {
			r = fn(parse(inputJson));
			t = r !== null && (typeof r === 'object' || typeof r === 'function') ? r.then : undefined;
		} catch (e) { fail(e); return; }
		if (typeof t !== 'function') { settle(r); return; }
		try { apply(then, apply(resolve, P, [r]), [settle, fail]); } catch (e) { fail(e); }
	},
	read() { reserve = null; return state; },
	describe() {
		const e = error;
		if (e === null || (typeof e !== 'object' && typeof e !== 'function'))
			return stringify({ kind: 'thrown', name: 'Error', message: text(e, 'error') });
		const field = (key) => { try { return e[key]; } catch { return undefined; } };
		const name = text(field('name'), 'Error'), message = text(field('message'), 'error');
		let internal = false;
		try { internal = typeof InternalError === 'function' && e instanceof InternalError; } catch {}
		let kind = 'thrown';
		if (internal && message === 'out of memory') kind = 'memory';
		else if (message === 'stack overflow' && (internal || name === 'SyntaxError')) kind = 'stack';
		else if (name === 'SyntaxError' && getOwn(e, 'lineNumber')) kind = 'syntax';
		return stringify({ kind, name, message: message.slice(0, 2000), stack: text(field('stack'), '').slice(0, 2000) });
	}
};
})()`.replace('RESERVE_BYTES', String(RESERVE_BYTES));

const QUIET: EmscriptenModuleLoaderOptions & Record<'print' | 'printErr', () => void> = {
	print() {},
	printErr() {}
};

export interface ModuleSessionOptions {
	/** The ES module's source text. */
	code: string;
	/** Name used in error locations (letters, digits, `.`, `_`, `-`). */
	filename: string;
	/** Time limit for evaluating the module (its top level). */
	loadTimeoutMs: number;
	/** The instance's heap limit (default {@link SANDBOX_DEFAULTS}.memoryBytes). */
	memoryBytes?: number;
	stackBytes?: number;
	/** Longest result accepted, in UTF-16 units of its JSON text (default 4 MB). */
	maxResultChars?: number;
}

/** A loaded module; `call` throws a `SandboxError` (kind `entry` when no such export). */
export interface ModuleSession {
	call(path: readonly string[], input: unknown, timeoutMs: number): Promise<unknown>;
	/** The same, with the result's JSON text (validated and parsed by the caller). */
	callJson(path: readonly string[], inputJson: string, timeoutMs: number): Promise<string>;
	/** Whether the module exports a function at `path` (own properties only; nothing is called). */
	isFunction(path: readonly string[]): Promise<boolean>;
	dispose(): void;
}

export interface ModuleSessionFactory {
	/** Loads the module (throws a `SandboxError` if it does not evaluate). */
	open(options: ModuleSessionOptions): Promise<ModuleSession>;
}

const FILENAME = /^[\w.-]{1,64}$/;

function release(h: { dispose(): void } | undefined): void {
	try {
		h?.dispose();
	} catch {
		// the instance is discarded after a failure anyway
	}
}

interface Live {
	rt: QuickJSRuntime;
	ctx: QuickJSContext;
	harness: QuickJSHandle;
	setDeadline(ms: number): void;
	expired(): boolean;
}

/** Sessions over the WebAssembly module `compile` returns (compiled once, instantiated per session). */
export function createModuleSessionFactory(options: {
	compile: () => Promise<WebAssembly.Module>;
	now?: () => number;
}): ModuleSessionFactory {
	const now = options.now ?? (() => performance.now());
	let compiled: Promise<WebAssembly.Module> | null = null;

	async function start(o: Required<Omit<ModuleSessionOptions, 'maxResultChars'>>): Promise<Live> {
		compiled ??= options.compile().catch((e: unknown) => {
			compiled = null;
			throw e;
		});
		const wasmModule = await compiled;
		const wasmMemory = new WebAssembly.Memory({
			initial: BASELINE_BYTES / PAGE,
			maximum: Math.ceil((BASELINE_BYTES + 2 * RESERVE_BYTES + o.memoryBytes) / PAGE)
		});
		const module = await newQuickJSWASMModuleFromVariant(
			newVariant(variant, { wasmModule, wasmMemory, emscriptenModule: QUIET })
		);
		const rt = module.newRuntime();
		rt.setMaxStackSize(o.stackBytes);
		let deadline = now() + o.loadTimeoutMs;
		let timedOut = false;
		const expired = () => (timedOut ||= now() > deadline);
		rt.setInterruptHandler(expired);
		const ctx = rt.newContext();
		const fail = (failure: SandboxFailure): never => {
			release(ctx);
			release(rt);
			throw new SandboxError(failure);
		};
		const h = ctx.evalCode(HARNESS, HARNESS_FILE, { type: 'global' });
		if (h.error) {
			release(h.error);
			fail({ kind: 'crashed', message: 'the session harness did not start' });
		}
		const harness = (h as { value: QuickJSHandle }).value;
		const live: Live = {
			rt,
			ctx,
			harness,
			setDeadline(ms) {
				timedOut = false;
				deadline = now() + ms;
			},
			expired
		};
		const evaluated = ctx.evalCode(o.code, o.filename, { type: 'module', strict: true });
		let exportsHandle: QuickJSHandle | undefined;
		if (evaluated.error) {
			const failure = describeHandle(live, evaluated.error, o, o.loadTimeoutMs);
			release(evaluated.error);
			release(harness);
			fail(failure);
		} else {
			exportsHandle = evaluated.value;
			const state = ctx.getPromiseState(exportsHandle);
			if (state.type === 'pending') {
				while (rt.hasPendingJob() && !expired()) {
					const r = rt.executePendingJobs(-1);
					if (r.error) release(r.error);
				}
			}
			const settled = ctx.getPromiseState(exportsHandle);
			if (settled.type === 'fulfilled') {
				if (!settled.notAPromise) release(exportsHandle);
				exportsHandle = settled.value;
			} else {
				release(exportsHandle);
				if (settled.type === 'pending') {
					release(harness);
					fail(
						expired()
							? { kind: 'timeout', message: 'time limit exceeded', limit: o.loadTimeoutMs }
							: { kind: 'unsettled', message: 'the module never finished loading' }
					);
				} else {
					const failure = describeHandle(live, settled.error, o, o.loadTimeoutMs);
					release(settled.error);
					release(harness);
					fail(failure);
				}
			}
		}
		const install = ctx.getProp(harness, 'install');
		const r = ctx.callFunction(install, harness, exportsHandle!);
		release(install);
		release(exportsHandle);
		if (r.error) {
			release(r.error);
			release(harness);
			fail({ kind: 'crashed', message: 'the module could not be installed' });
		} else release(r.value);
		return live;
	}

	/** Describes an error handle by handing it to the harness (`keep`, then `describe`). */
	function describeHandle(
		live: Live,
		error: QuickJSHandle,
		o: { memoryBytes: number; stackBytes: number; filename: string },
		timeoutMs: number
	): SandboxFailure {
		if (live.expired())
			return { kind: 'timeout', message: 'time limit exceeded', limit: timeoutMs };
		const { ctx, harness } = live;
		const keep = ctx.getProp(harness, 'keep');
		const r = ctx.callFunction(keep, harness, error);
		release(keep);
		if (r.error) {
			release(r.error);
			return { kind: 'memory', message: 'out of memory', limit: o.memoryBytes };
		}
		release(r.value);
		const described = readString(ctx, harness, 'describe');
		if (described === undefined)
			return { kind: 'memory', message: 'out of memory', limit: o.memoryBytes };
		return failureFrom(JSON.parse(described), o);
	}

	function failureFrom(
		raw: unknown,
		o: { memoryBytes: number; stackBytes: number; filename: string }
	): SandboxFailure {
		const d = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
		const message = typeof d.message === 'string' ? d.message.slice(0, 2000) : 'error';
		const name = typeof d.name === 'string' ? d.name : 'Error';
		let kind: SandboxFailure['kind'] = 'thrown';
		if (d.kind === 'memory' || (name === 'InternalError' && message === 'out of memory'))
			kind = 'memory';
		else if (message === 'stack overflow') kind = 'stack';
		else if (d.kind === 'syntax' || name === 'SyntaxError') kind = 'syntax';
		const failure: SandboxFailure = { kind, message };
		if (kind === 'thrown' || kind === 'syntax') failure.name = name;
		if (kind === 'memory') failure.limit = o.memoryBytes;
		if (kind === 'stack') failure.limit = o.stackBytes;
		const stack = typeof d.stack === 'string' ? d.stack : '';
		const where = new RegExp(
			`${o.filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)(?::(\\d+))?`
		).exec(stack);
		if (where) {
			failure.line = Number(where[1]);
			if (where[2]) failure.column = Number(where[2]);
		}
		return failure;
	}

	return {
		async open(opts) {
			const o = {
				code: opts.code,
				filename: FILENAME.test(opts.filename) ? opts.filename : 'plugin.js',
				loadTimeoutMs: Math.max(1, opts.loadTimeoutMs),
				memoryBytes: Math.max(MIN_MEMORY_BYTES, opts.memoryBytes ?? SANDBOX_DEFAULTS.memoryBytes),
				stackBytes: opts.stackBytes ?? SANDBOX_DEFAULTS.stackBytes
			};
			const maxResultChars = opts.maxResultChars ?? 4 * 1024 * 1024;
			if (o.code.length * 3 > o.memoryBytes / 2)
				throw new SandboxError({
					kind: 'input',
					message: 'the module is too large for its memory limit'
				});
			let live: Live | null = await startSafely(o);
			let disposed = false;

			async function startSafely(opt: typeof o): Promise<Live> {
				try {
					return await start(opt);
				} catch (e) {
					if (e instanceof SandboxError) throw e;
					const hostStack = e instanceof RangeError && /call stack/i.test(e.message);
					throw new SandboxError(
						hostStack
							? { kind: 'stack', message: 'stack overflow', limit: o.stackBytes }
							: { kind: 'crashed', message: (e as Error)?.message ?? String(e) }
					);
				}
			}

			const discard = () => {
				if (!live) return;
				release(live.harness);
				release(live.ctx);
				release(live.rt);
				live = null;
			};

			const callJson = async (
				path: readonly string[],
				inputJson: string,
				timeoutMs: number
			): Promise<string> => {
				if (disposed)
					throw new SandboxError({ kind: 'cancelled', message: 'the session was closed' });
				if (inputJson.length * 3 > o.memoryBytes / 4)
					throw new SandboxError({
						kind: 'input',
						message: 'the input is too large for the memory limit'
					});
				live ??= await startSafely(o);
				const l = live;
				let outcome: { json: string } | { failure: SandboxFailure };
				try {
					outcome = callIn(l, path, inputJson, timeoutMs);
				} catch (e) {
					// the engine itself failed (host stack inside WebAssembly, a trap): start afresh
					live = null;
					const hostStack = e instanceof RangeError && /call stack/i.test(e.message);
					throw new SandboxError(
						hostStack
							? { kind: 'stack', message: 'stack overflow', limit: o.stackBytes }
							: { kind: 'crashed', message: (e as Error)?.message ?? String(e) }
					);
				}
				if ('failure' in outcome) {
					const k = outcome.failure.kind;
					if (k === 'timeout' || k === 'memory' || k === 'stack' || k === 'crashed') discard();
					throw new SandboxError(outcome.failure);
				}
				if (outcome.json.length > maxResultChars)
					throw new SandboxError({
						kind: 'result',
						message: `the result is too large (${outcome.json.length} characters of JSON, at most ${maxResultChars})`
					});
				return outcome.json;
			};

			function callIn(
				l: Live,
				path: readonly string[],
				inputJson: string,
				timeoutMs: number
			): { json: string } | { failure: SandboxFailure } {
				const { ctx, rt, harness } = l;
				const timeout: SandboxFailure = {
					kind: 'timeout',
					message: `time limit of ${timeoutMs} ms exceeded`,
					limit: timeoutMs
				};
				l.setDeadline(timeoutMs);
				const fn = ctx.getProp(harness, 'call');
				const p = ctx.newString(JSON.stringify(path));
				const input = ctx.newString(inputJson);
				const r = ctx.callFunction(fn, harness, p, input);
				release(fn);
				release(p);
				release(input);
				let harnessFailed = false;
				if (r.error) {
					release(r.error);
					harnessFailed = true;
				} else release(r.value);
				while (rt.hasPendingJob() && !l.expired()) {
					const j = rt.executePendingJobs(-1);
					if (j.error) release(j.error);
				}
				if (l.expired()) return { failure: timeout };
				const state = readString(ctx, harness, 'read');
				if (state === undefined)
					return {
						failure: harnessFailed
							? { kind: 'memory', message: 'out of memory', limit: o.memoryBytes }
							: { kind: 'unsettled', message: 'the promise never settled' }
					};
				switch (state[0]) {
					case 'v':
						return { json: state.slice(1) };
					case 'n':
						return {
							failure: {
								kind: 'entry',
								message: `the module exports no function ${path.join('.')}`
							}
						};
					case 'r':
						return { failure: { kind: 'result', message: `got ${state.slice(1)}` } };
					case 'm':
						return { failure: { kind: 'memory', message: 'out of memory', limit: o.memoryBytes } };
				}
				const described = readString(ctx, harness, 'describe');
				if (l.expired()) return { failure: timeout };
				if (described === undefined)
					return { failure: { kind: 'memory', message: 'out of memory', limit: o.memoryBytes } };
				const failure = failureFrom(JSON.parse(described), o);
				if (state[0] === 'x' && failure.kind !== 'memory' && failure.kind !== 'stack')
					return { failure: { kind: 'result', message: failure.message } };
				return { failure };
			}

			return {
				callJson,
				async isFunction(path) {
					if (disposed) return false;
					live ??= await startSafely(o);
					const l = live;
					// A getter on the exports could loop: bound by the load time limit.
					l.setDeadline(o.loadTimeoutMs);
					const fn = l.ctx.getProp(l.harness, 'isFunction');
					const p = l.ctx.newString(JSON.stringify(path));
					const r = l.ctx.callFunction(fn, l.harness, p);
					release(fn);
					release(p);
					if (r.error) {
						release(r.error);
						discard();
						return false;
					}
					const yes = l.ctx.typeof(r.value) === 'string' && l.ctx.getString(r.value) === 'y';
					release(r.value);
					return yes;
				},
				async call(path, input, timeoutMs) {
					let json: string | undefined;
					try {
						json = JSON.stringify(input === undefined ? null : input);
					} catch (e) {
						throw new SandboxError({
							kind: 'input',
							message: `input is not JSON-serialisable: ${(e as Error).message}`
						});
					}
					return JSON.parse(await callJson(path, json, timeoutMs)) as unknown;
				},
				dispose() {
					disposed = true;
					discard();
				}
			};
		}
	};
}

function readString(
	ctx: QuickJSContext,
	harness: QuickJSHandle,
	method: string
): string | undefined {
	const fn = ctx.getProp(harness, method);
	try {
		const r = ctx.callFunction(fn, harness);
		if (r.error) {
			release(r.error);
			return undefined;
		}
		try {
			return ctx.typeof(r.value) === 'string' ? ctx.getString(r.value) : undefined;
		} finally {
			release(r.value);
		}
	} finally {
		release(fn);
	}
}

/** A request from the page to the plugin worker (`session.web.ts` ⇄ `session-worker.web.ts`). */
export type SessionWorkerRequest =
	| { id: number; op: 'open'; session: number; options: ModuleSessionOptions }
	| {
			id: number;
			op: 'call';
			session: number;
			path: readonly string[];
			inputJson: string;
			timeoutMs: number;
	  }
	| { id: number; op: 'isFunction'; session: number; path: readonly string[] }
	| { id: number; op: 'dispose'; session: number };

/** The worker's answer: JSON text for `call`, a boolean for `isFunction`, null otherwise. */
export type SessionWorkerResponse =
	| { id: number; ok: true; value: string | boolean | null }
	| { id: number; ok: false; failure: SandboxFailure };
