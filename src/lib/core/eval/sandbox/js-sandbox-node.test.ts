import { afterAll, describe, expect, it } from 'vitest';
import { runAssertion } from '../scorers/assert';
import { NodeJsSandbox } from './js-sandbox-node';

const sandbox = new NodeJsSandbox({ killGraceMs: 500 });
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
	});

	it('awaits a promise settled by microtasks', async () => {
		expect(await run('return Promise.resolve(1).then((x) => x + 1);')).toBe(2);
	});

	it.each([
		['process', 'return process.env;', /process is not defined/],
		[
			'require',
			"return require('fs').readFileSync('/etc/passwd', 'utf8');",
			/require is not defined/
		],
		['fetch', "return fetch('http://127.0.0.1:1/');", /fetch is not defined/],
		[
			'globalThis.process',
			'return typeof globalThis.process === "undefined" ? null.x : 1;',
			/Cannot read properties of null/
		],
		[
			'constructor escape',
			"return this.constructor.constructor('return process')().env;",
			/Code generation from strings disallowed|Cannot read properties of undefined/
		],
		[
			'Function via prototype',
			"return (() => {}).constructor('return process')();",
			/Code generation from strings disallowed/
		],
		['eval', "return eval('1 + 1');", /Code generation from strings disallowed/],
		['dynamic import', "return import('node:fs');", /dynamic import|import\(\)|callback/i],
		['timers', 'return setTimeout;', /setTimeout is not defined/],
		['storage', 'return localStorage.getItem("k");', /localStorage is not defined/]
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

	it('kills and replaces a worker blocked outside JavaScript (Atomics.wait)', async () => {
		await expect(
			run('return Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);', 100)
		).rejects.toMatchObject({
			code: 'timeout'
		});
		expect(await run('output.length')).toBe(11);
	});

	it('reports a promise that never settles', async () => {
		await expect(run('return new Promise(() => {});')).rejects.toThrow(/did not produce a result/);
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
	});
});
