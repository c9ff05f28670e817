import { describe, expect, it } from 'vitest';
import { isSandboxError, type SandboxJob } from './sandbox';
import { InProcessSandbox, runInSandbox } from './sandbox.node.ts';

const run = (code: string, input: unknown = null, extra: Partial<SandboxJob> = {}) =>
	runInSandbox({ code, input, timeoutMs: 1000, ...extra });

/** Runs `code` and returns its failure (the test fails if the code succeeds). */
async function failure(code: string, input: unknown = null, extra: Partial<SandboxJob> = {}) {
	try {
		const value = await run(code, input, extra);
		throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
	} catch (e) {
		if (!isSandboxError(e)) throw e;
		return { ...e.failure, error: e };
	}
}

/** Every global ECMAScript defines, plus QuickJS's InternalError; nothing else may be on `globalThis`. */
const LANGUAGE_GLOBALS = new Set(
	(
		'globalThis,Infinity,NaN,undefined,isFinite,isNaN,parseFloat,parseInt,decodeURI,' +
		'decodeURIComponent,encodeURI,encodeURIComponent,escape,unescape,AggregateError,Array,' +
		'ArrayBuffer,Atomics,BigInt,BigInt64Array,BigUint64Array,Boolean,DataView,Date,Error,' +
		'EvalError,FinalizationRegistry,Float16Array,Float32Array,Float64Array,Function,Int8Array,' +
		'Int16Array,Int32Array,Intl,Iterator,JSON,Map,Math,Number,Object,Promise,Proxy,RangeError,' +
		'ReferenceError,Reflect,RegExp,Set,SharedArrayBuffer,String,Symbol,SyntaxError,TypeError,' +
		'Uint8Array,Uint8ClampedArray,Uint16Array,Uint32Array,URIError,WeakMap,WeakRef,WeakSet,' +
		'InternalError'
	).split(',')
);

describe('runInSandbox', () => {
	it('calls the function with a copy of the input and returns its JSON result', async () => {
		expect(
			await run('(input) => ({ sum: input.a + input.b, tags: input.tags.concat("z") })', {
				a: 1,
				b: 2,
				tags: ['x']
			})
		).toEqual({ sum: 3, tags: ['x', 'z'] });
		expect(await run('() => undefined')).toBeNull();
		expect(await run('(s) => s + "✓ 😀"', 'naïve ')).toBe('naïve ✓ 😀');
		expect(await run('async (n) => { await null; return n * 2; }', 21)).toBe(42);
		expect(await run('(n) => Promise.resolve(n).then((x) => [x, typeof x])', 1)).toEqual([
			1,
			'number'
		]);
	});

	it('reports a syntax error with its line and column', async () => {
		const f = await failure('(input) => {\n  let x = 1;\n  x = ;\n}', null, {
			filename: 'scorer.js'
		});
		expect(f).toMatchObject({ kind: 'syntax', name: 'SyntaxError', line: 3, column: 7 });
		expect(f.error.message).toBe(
			"sandboxed code has a syntax error at line 3, column 7: unexpected token in expression: ';'"
		);
		expect(f.error.path).toBe('line 3, column 7');
		expect((await failure('import fs from "node:fs"; () => 1')).kind).toBe('syntax');
	});

	it('reports what the code threw, with its class name', async () => {
		expect(await failure('() => { throw new Error("boom"); }')).toMatchObject({
			kind: 'thrown',
			message: 'boom',
			line: 1
		});
		const typed = await failure('(x) => {\n  return x.y.z;\n}', {});
		expect(typed).toMatchObject({ kind: 'thrown', name: 'TypeError', line: 2 });
		expect(typed.error.message).toBe(
			"sandboxed code failed: TypeError: cannot read property 'z' of undefined"
		);
		expect(await failure('() => { throw "plain"; }')).toMatchObject({
			kind: 'thrown',
			message: 'plain'
		});
		expect(await failure('async () => { throw new RangeError("later"); }')).toMatchObject({
			kind: 'thrown',
			name: 'RangeError',
			message: 'later'
		});
		expect(await failure('() => { throw { get message() { throw 1; } }; }')).toMatchObject({
			kind: 'thrown',
			message: 'error'
		});
		expect(await failure('throw new Error("at the top")')).toMatchObject({
			kind: 'thrown',
			message: 'at the top'
		});
	});

	it('stops an infinite loop at the time limit, and the next job still works', async () => {
		const started = performance.now();
		const loop = await failure('() => { while (true) {} }', null, { timeoutMs: 200 });
		const elapsed = performance.now() - started;
		expect(loop).toMatchObject({ kind: 'timeout', limit: 200 });
		expect(loop.error.code).toBe('timeout');
		expect(loop.error.message).toBe('sandboxed code exceeded its time limit of 200 ms');
		expect(elapsed).toBeGreaterThanOrEqual(190);
		expect(elapsed).toBeLessThan(2000);
		expect(
			(
				await failure('() => Promise.resolve().then(function spin() { for (;;) {} })', null, {
					timeoutMs: 100
				})
			).kind
		).toBe('timeout');
		expect(
			(
				await failure(
					'() => { const f = () => Promise.resolve().then(f); f(); return new Promise(() => {}); }',
					null,
					{
						timeoutMs: 100
					}
				)
			).kind
		).toBe('timeout');
		expect((await failure('while (true) {}', null, { timeoutMs: 100 })).kind).toBe('timeout');
		expect(await run('() => 1 + 1')).toBe(2);
	});

	it('stops a huge allocation at the memory limit, and the next job still works', async () => {
		const grow = await failure(
			'() => { const a = []; for (;;) a.push("x".repeat(100000) + a.length); }',
			null,
			{ memoryBytes: 8 * 1024 * 1024 }
		);
		expect(grow).toMatchObject({ kind: 'memory', limit: 8 * 1024 * 1024 });
		expect(grow.error.message).toBe('sandboxed code exceeded its memory limit of 8 MB');
		expect((await failure('() => new ArrayBuffer(512 * 1024 * 1024).byteLength')).kind).toBe(
			'memory'
		);
		expect((await failure('() => "x".repeat(2 ** 28).length')).kind).toBe('memory');
		// Memory filled to the last object and kept: QuickJS has no room even for the error.
		const small = { memoryBytes: 4 * 1024 * 1024 };
		for (const code of [
			'() => { globalThis.keep = []; for (;;) keep.push({}); }',
			'() => { globalThis.keep = []; try { for (;;) keep.push({}); } catch {} return keep.length; }',
			'() => { globalThis.keep = []; try { for (;;) keep.push({}); } catch {} throw new Error("x"); }'
		])
			expect((await failure(code, null, small)).kind).toBe('memory');
		expect(await failure('() => { throw null; }', null, small)).toMatchObject({
			kind: 'thrown',
			message: 'null'
		});
		expect(await run('() => "ok"')).toBe('ok');
	});

	it('stops deep recursion at the stack limit, and the next job still works', async () => {
		expect((await failure('() => { const f = (n) => f(n + 1) + 1; return f(0); }')).kind).toBe(
			'stack'
		);
		// Recursion inside a native built-in can exhaust the host's stack before QuickJS's own check.
		expect(
			(await failure('() => { let p = {}; for (let i = 0; i < 30000; i++) p = { p }; return p; }'))
				.kind
		).toBe('stack');
		expect(
			(
				await failure(
					'() => { let a = []; for (let i = 0; i < 30000; i++) a = [a]; return String(a); }'
				)
			).kind
		).toBe('stack');
		expect(await run('(n) => n + 1', 1)).toBe(2);
	});

	it('refuses results that are not JSON', async () => {
		expect(await failure('() => () => 1')).toMatchObject({
			kind: 'result',
			message: 'got a function'
		});
		expect((await failure('() => 10n')).kind).toBe('result');
		expect((await failure('() => { const o = {}; o.o = o; return o; }')).kind).toBe('result');
		expect(await run('() => ({ a: undefined, b: NaN, d: new Date(0), s: Symbol("x") })')).toEqual({
			b: null,
			d: '1970-01-01T00:00:00.000Z'
		});
	});

	it('reports a promise that never settles, a script that is not a function and bad jobs', async () => {
		expect(await failure('() => new Promise(() => {})')).toMatchObject({ kind: 'unsettled' });
		expect(await failure('42')).toMatchObject({
			kind: 'entry',
			message: 'the code must evaluate to a function, got number'
		});
		expect(await failure('() => 1', { n: 1n })).toMatchObject({ kind: 'input' });
		expect(
			await failure('() => 1', 'x'.repeat(1024 * 1024), { memoryBytes: 2 * 1024 * 1024 })
		).toMatchObject({
			kind: 'input',
			message: 'code and input are too large for the memory limit of 2 MB'
		});
		expect(await failure('() => 1', null, { timeoutMs: 0 })).toMatchObject({ kind: 'input' });
		expect(await failure('() => 1', null, { timeoutMs: Number.NaN })).toMatchObject({
			kind: 'input'
		});
	});

	describe('escape routes', () => {
		const HOST_NAMES = [
			'FontFace',
			'fonts',
			'fetch',
			'XMLHttpRequest',
			'WebSocket',
			'EventSource',
			'importScripts',
			'navigator',
			'reportError',
			'postMessage',
			'Worker',
			'SharedWorker',
			'indexedDB',
			'caches',
			'BroadcastChannel',
			'self',
			'window',
			'document',
			'location',
			'setTimeout',
			'setInterval',
			'queueMicrotask',
			'structuredClone',
			'console',
			'process',
			'require',
			'module',
			'Buffer',
			'WebAssembly',
			'performance',
			'crypto'
		];

		it.each(HOST_NAMES)('%s is simply not defined', async (name) => {
			expect(await run(`() => typeof ${name}`)).toBe('undefined');
			expect(await run(`() => ${JSON.stringify(name)} in globalThis`)).toBe(false);
			expect(await failure(`() => ${name}`)).toMatchObject({
				kind: 'thrown',
				name: 'ReferenceError',
				message: `'${name}' is not defined`
			});
		});

		it('globalThis holds ECMAScript built-ins only', async () => {
			const names = (await run(
				'() => { const out = []; for (let o = globalThis; o; o = Object.getPrototypeOf(o)) out.push(...Reflect.ownKeys(o).map(String)); return out; }'
			)) as string[];
			const own = (await run('() => Object.getOwnPropertyNames(globalThis)')) as string[];
			expect(own.filter((n) => !LANGUAGE_GLOBALS.has(n))).toEqual([]);
			expect(await run('() => Object.getOwnPropertySymbols(globalThis).map(String)')).toEqual([
				'Symbol(Symbol.toStringTag)'
			]);
			// Its prototype chain is Object.prototype's: nothing host-provided there either.
			expect(await run('() => Object.getPrototypeOf(globalThis) === Object.prototype')).toBe(true);
			expect(names).not.toContain('fetch');
		});

		it('has no code generation from strings and no modules', async () => {
			expect(await run('() => typeof eval')).toBe('undefined');
			for (const code of [
				'() => Function("return 1")()',
				'() => (() => {}).constructor("return 1")()',
				'() => (async () => {}).constructor("return 1")',
				'() => (function* () {}).constructor("yield 1")',
				'() => (async function* () {}).constructor("yield 1")'
			]) {
				expect(await failure(code)).toMatchObject({ kind: 'thrown', name: 'EvalError' });
			}
			expect(await run('() => (() => 1) instanceof Function')).toBe(true);
			expect(await failure('() => import("node:fs")')).toMatchObject({ kind: 'thrown' });
			expect(await failure('() => import("http://127.0.0.1:9/x.js")')).toMatchObject({
				kind: 'thrown'
			});
		});

		it('keeps no state between jobs', async () => {
			expect(
				await run(
					'() => { String.prototype.includes = () => true; Object.prototype.polluted = 1; globalThis.leftover = 1; Array.prototype.push = null; return "abc".includes("z"); }'
				)
			).toBe(true);
			expect(
				await run('() => [ "abc".includes("z"), ({}).polluted, typeof leftover, typeof [].push ]')
			).toEqual([false, null, 'undefined', 'function']);
			// A job that poisons JSON and promises spoils only its own result.
			expect(
				await run(
					'() => { JSON.stringify = () => "{}"; JSON.parse = () => 0; Promise.prototype.then = null; return [1]; }'
				)
			).toEqual([1]);
			expect(await run('(x) => x', { a: [1] })).toEqual({ a: [1] });
		});

		it('keeps __proto__ keys in the input and the result as plain data', async () => {
			const input = JSON.parse(
				'{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'
			);
			expect(
				await run(
					'(x) => [Object.getPrototypeOf(x) === Object.prototype, Object.keys(x), x.polluted === undefined, ({}).polluted === undefined, x.__proto__.polluted]',
					input
				)
			).toEqual([true, ['__proto__', 'constructor'], true, true, true]);
			const out = (await run(
				'() => JSON.parse(\'{"__proto__": {"pass": true}, "score": 1}\')'
			)) as Record<string, unknown>;
			expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
			expect(Object.keys(out)).toEqual(['__proto__', 'score']);
			expect((out as { pass?: unknown }).pass).toBeUndefined();
			expect(({} as { pass?: unknown }).pass).toBeUndefined();
		});
	});
});

describe('InProcessSandbox', () => {
	it('runs jobs and refuses them once cancelled or disposed', async () => {
		const sandbox = new InProcessSandbox();
		expect(await sandbox.run({ code: '(x) => x * 2', input: 4, timeoutMs: 1000 })).toBe(8);
		const controller = new AbortController();
		controller.abort();
		await expect(
			sandbox.run({ code: '() => 1', timeoutMs: 1000 }, { signal: controller.signal })
		).rejects.toMatchObject({ code: 'cancelled' });
		await sandbox.dispose();
		await expect(sandbox.run({ code: '() => 1', timeoutMs: 1000 })).rejects.toMatchObject({
			code: 'cancelled'
		});
	});
});
