import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TemplateError } from './errors';
import { renderRequest } from './render';

/**
 * Real tool-calling chat templates of open models (fixtures/chat-templates/*.jinja) rendered by our
 * renderer must give exactly what Python's Jinja2 gives. The expected outputs in expected.json were
 * generated once by fixtures/chat-templates/generate.py with Jinja2 set up like transformers'
 * apply_chat_template: trim_blocks=True and lstrip_blocks=True (both sides use them here;
 * @huggingface/jinja's own Template turns them on by default, our renderer only on request),
 * transformers' tojson (json.dumps, ensure_ascii=False), raise_exception and strftime_now on the
 * fixed clock `now` of cases.json.
 */

interface Case {
	name: string;
	conversation: string;
	variables: Record<string, unknown>;
}
interface Spec {
	now: string;
	conversations: Record<string, Record<string, unknown>>;
	templates: Record<string, { variables: Record<string, unknown>; cases: Case[] }>;
}
type Expected = Record<string, Record<string, { output: string } | { error: string }>>;

const dir = new URL('./fixtures/chat-templates/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
const spec = JSON.parse(read('cases.json')) as Spec;
const expected = JSON.parse(read('expected.json')) as Expected;

function render(file: string, c: Case) {
	const t = spec.templates[file];
	return renderRequest({
		template: read(file),
		variables: { ...spec.conversations[c.conversation], ...t.variables, ...c.variables },
		options: { trimBlocks: true, lstripBlocks: true, now: spec.now }
	});
}

describe('chat templates of open models render like Python Jinja2', () => {
	it('covers at least ten models, each case with an expected result', () => {
		expect(Object.keys(spec.templates).length).toBeGreaterThanOrEqual(10);
		for (const [file, t] of Object.entries(spec.templates))
			expect(Object.keys(expected[file] ?? {}).sort()).toEqual(t.cases.map((c) => c.name).sort());
	});

	describe.each(Object.keys(spec.templates))('%s', (file) => {
		it.each(spec.templates[file].cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
			const want = expected[file][c.name];
			if ('error' in want) {
				let error: unknown;
				try {
					render(file, c);
				} catch (e) {
					error = e;
				}
				expect(error).toBeInstanceOf(TemplateError);
				expect(error).toMatchObject({
					code: 'template_runtime',
					message: `raise_exception: ${want.error}`
				});
			} else {
				const result = render(file, c);
				expect(result.kind).toBe('text');
				expect(result.output).toBe(want.output);
			}
		});
	});
});
