import { afterAll, describe, expect, it } from 'vitest';
import { runAssertion } from '../scorers/assert';
import { NodeJsSandbox } from './js-sandbox.node.ts';
import { wrapScorerCode } from './js-sandbox';

const sandbox = new NodeJsSandbox();
afterAll(() => sandbox.dispose());

const input = { output: 'Hello World', context: { vars: { name: 'World' } } };
const run = (code: string, timeoutMs = 1000) => sandbox.run(code, input, { timeoutMs });

describe('NodeJsSandbox', () => {
	it('evaluates an expression and a function body with output and context', async () => {
		expect(await run('output.includes(context.vars.name)')).toBe(true);
		expect(
			await run('const n = output.length;\nreturn { pass: n > 5, score: 0.5, reason: "len " + n };')
		).toEqual({
			pass: true,
			score: 0.5,
			reason: 'len 11'
		});
		expect(await run('output.length // a trailing comment')).toBe(11);
	});

	it('awaits a promise settled by microtasks', async () => {
		expect(await run('return Promise.resolve(1).then((x) => x + 1);')).toBe(2);
		expect(await run('return (async () => { await null; return output.length; })();')).toBe(11);
	});

	it.each([
		['process', 'return process.env;', /'process' is not defined/],
		[
			'require',
			"return require('fs').readFileSync('/etc/passwd', 'utf8');",
			/'require' is not defined/
		],
		['fetch', "return fetch('http://127.0.0.1:1/');", /'fetch' is not defined/],
		[
			'FontFace',
			"return new FontFace('x', 'url(http://127.0.0.1:1/)');",
			/'FontFace' is not defined/
		],
		['self.fonts', 'return self.fonts;', /'self' is not defined/],
		['XMLHttpRequest', 'return new XMLHttpRequest();', /'XMLHttpRequest' is not defined/],
		['WebSocket', "return new WebSocket('ws://127.0.0.1:1/');", /'WebSocket' is not defined/],
		[
			'importScripts',
			"return importScripts('http://127.0.0.1:1/x.js');",
			/'importScripts' is not defined/
		],
		[
			'EventSource',
			"return new EventSource('http://127.0.0.1:1/');",
			/'EventSource' is not defined/
		],
		[
			'navigator.sendBeacon',
			"return navigator.sendBeacon('http://127.0.0.1:1/');",
			/'navigator' is not defined/
		],
		['reportError', "return reportError(new Error('x'));", /'reportError' is not defined/],
		['postMessage', "return postMessage('x');", /'postMessage' is not defined/],
		['Worker', "return new Worker('x.js');", /'Worker' is not defined/],
		['indexedDB', "return indexedDB.open('x');", /'indexedDB' is not defined/],
		['caches', "return caches.open('x');", /'caches' is not defined/],
		[
			'globalThis.process',
			'return typeof globalThis.process === "undefined" ? null.x : 1;',
			/cannot read property 'x' of null/
		],
		[
			'constructor escape',
			"return globalThis.constructor.constructor('return process')().env;",
			/code generation from strings is not allowed/
		],
		[
			'Function via prototype',
			"return (() => {}).constructor('return process')();",
			/code generation from strings is not allowed/
		],
		['eval', "return eval('1 + 1');", /'eval' is not defined/],
		['dynamic import', "return import('node:fs');", /module/i],
		['timers', 'return setTimeout;', /'setTimeout' is not defined/],
		['storage', 'return localStorage.getItem("k");', /'localStorage' is not defined/]
	])('blocks %s', async (_name, code, message) => {
		await expect(run(code)).rejects.toMatchObject({
			code: 'sandbox',
			message: expect.stringMatching(message)
		});
	});

	it('stops an infinite loop with a time-limit error and keeps working afterwards', async () => {
		await expect(run('while (true) {}', 200)).rejects.toMatchObject({
			code: 'timeout',
			message: 'custom JavaScript exceeded its time limit of 200 ms'
		});
		await expect(
			run('return Promise.resolve().then(function spin() { for (;;) {} });', 200)
		).rejects.toMatchObject({
			code: 'timeout'
		});
		expect(await run('1 + 1')).toBe(2);
	});

	it('has no way to block outside JavaScript (Atomics.wait cannot block here)', async () => {
		await expect(
			run('return Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000);', 100)
		).rejects.toMatchObject({ code: 'sandbox' });
		expect(await run('output.length')).toBe(11);
	});

	it('reports a promise that never settles', async () => {
		await expect(run('return new Promise(() => {});')).rejects.toThrow(/did not produce a result/);
	});

	it('reports a syntax error at the line of the scorer code', async () => {
		await expect(run('const a = 1;\nconst b = ;\nreturn a;')).rejects.toMatchObject({
			code: 'sandbox',
			path: 'line 2, column 11',
			message:
				"custom JavaScript has a syntax error at line 2, column 11: unexpected token in expression: ';'"
		});
		await expect(run('output.length +')).rejects.toMatchObject({ path: 'line 2, column 1' });
	});

	it('reports the memory limit and results that are not JSON', async () => {
		await expect(
			run('const a = []; for (;;) a.push(new Array(100000).fill(a.length));')
		).rejects.toMatchObject({
			code: 'sandbox',
			message: 'custom JavaScript exceeded its memory limit of 64 MB'
		});
		await expect(run('return () => 1;')).rejects.toMatchObject({
			message: 'custom JavaScript failed: result is not JSON-serialisable: got a function'
		});
	});

	it('keeps no state between calls', async () => {
		expect(
			await run(
				'String.prototype.includes = () => false; globalThis.seen = 1; return output.includes("World");'
			)
		).toBe(false);
		expect(await run('output.includes(context.vars.name) && typeof seen === "undefined"')).toBe(
			true
		);
	});

	it('cancels a call whose signal has aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(
			sandbox.run('1', input, { timeoutMs: 1000, signal: controller.signal })
		).rejects.toMatchObject({ code: 'cancelled', message: 'scorer cancelled' });
	});

	it('backs the javascript scorer, with negation and a numeric threshold', async () => {
		const ctx = { output: 'abc', vars: {}, sandbox };
		expect(
			(await runAssertion({ type: 'javascript', value: 'output.length === 3' }, ctx)).pass
		).toBe(true);
		expect(
			(await runAssertion({ type: 'javascript', value: 'output.length === 4' }, ctx)).pass
		).toBe(false);
		expect(
			(await runAssertion({ type: 'not-javascript', value: 'output.length === 4' }, ctx)).pass
		).toBe(true);
		const scored = await runAssertion(
			{ type: 'javascript', value: 'output.length / 10', threshold: 0.5 },
			ctx
		);
		expect(scored).toMatchObject({ pass: false, score: 0.3 });
		const thrown = await runAssertion(
			{ type: 'javascript', value: 'throw new Error("boom")' },
			ctx
		);
		expect(thrown).toMatchObject({ pass: false, reason: 'custom JavaScript failed: boom' });
		// A result whose "__proto__" key names a pass stays data: it is not a pass.
		const proto = await runAssertion(
			{ type: 'javascript', value: 'JSON.parse(\'{"__proto__": {"pass": true, "score": 1}}\')' },
			ctx
		);
		expect(proto.pass).toBe(false);
		expect(({} as { pass?: unknown }).pass).toBeUndefined();
	});

	it('keeps "__proto__" keys of the variables as data', async () => {
		const vars = JSON.parse('{"__proto__": {"admin": true}, "name": "x"}') as Record<
			string,
			unknown
		>;
		expect(
			await sandbox.run(
				'return [context.vars.admin, context.vars.__proto__.admin, ({}).admin, Object.keys(context.vars)];',
				{ output: '', context: { vars } },
				{ timeoutMs: 1000 }
			)
		).toEqual([null, true, null, ['__proto__', 'name']]);
	});
});

describe('wrapScorerCode', () => {
	it('keeps the scorer’s first line on line 1', () => {
		expect(wrapScorerCode('output.length')).toBe('(({ output, context }) => (output.length\n))');
		expect(wrapScorerCode('return 1;')).toBe('(({ output, context }) => {return 1;\n})');
	});
});
