import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../../../../../tests/support/core';
import type { AppCore } from '../../app-core';
import { isPromptloomError } from '../../model/errors';
import { loadEvalDraft } from '../plan/draft';
import type { EvalPlan } from '../plan/plan';
import {
	applyPromptfooImport,
	modelSpecOfProvider,
	previewPromptfooImport,
	promptfooImportDeps
} from './import';
import type { PickedFile } from './files';

let core: AppCore;
beforeEach(async () => {
	core = await openTestCore();
});
afterEach(() => core.close());

const file = (name: string, text: string): PickedFile => ({ name, text });

async function importFiles(files: PickedFile[]) {
	const deps = promptfooImportDeps(core);
	const preview = await previewPromptfooImport({ files }, deps);
	return { preview, result: await applyPromptfooImport(preview, deps) };
}

async function nothingCreated() {
	expect(await core.library.listPrompts()).toEqual([]);
	expect(await core.library.listTrash()).toEqual([]);
	expect(await core.evals.datasets.list()).toEqual([]);
	expect(await loadEvalDraft(core.db.settings)).toBeNull();
}

/** The plan /evals/new builds from a draft: variants frozen, dataset pinned. */
async function planFromDraft(): Promise<EvalPlan> {
	const draft = (await loadEvalDraft(core.db.settings))!;
	const ds = await core.evals.datasets.get(draft.datasetId);
	return {
		name: draft.name,
		variants: await Promise.all(
			draft.variants.map((v) => core.evals.variant(v.promptId, v.versionId))
		),
		dataset: { id: ds.id, name: ds.name, columns: ds.columns, rows: ds.rows },
		models: draft.models,
		assertions: draft.assertions,
		...(draft.judge ? { judge: draft.judge } : {})
	};
}

const INLINE = `
description: Capitals quiz
prompts:
  - "What is the capital of {{country}}?"
  - id: terse
    label: Terse answer
    raw: "Capital of {{country}}, one word."
  - '[{"role":"system","content":"Answer with a city."},{"role":"user","content":"{{country}}?"}]'
providers:
  - openai:chat:gpt-4o-mini
  - id: anthropic:messages:claude-3-5-haiku-latest
    label: haiku
    config: { temperature: 0 }
defaultTest:
  assert:
    - type: latency
      threshold: 5000
tests:
  - vars: { country: France }
    assert:
      - type: icontains
        value: paris
      - type: not-contains
        value: London
        weight: 2
  - vars: { country: Italy }
    assert:
      - type: icontains
        value: rome
      - type: not-contains
        value: London
        weight: 2
`;

describe('promptfoo import', () => {
	it('maps promptfoo provider ids to app model specs', () => {
		expect(modelSpecOfProvider('openai:chat:gpt-4o-mini')).toBe('openai:gpt-4o-mini');
		expect(modelSpecOfProvider('anthropic:messages:claude-3-5-haiku-latest')).toBe(
			'anthropic:claude-3-5-haiku-latest'
		);
		expect(modelSpecOfProvider('ollama:chat:llama3:8b')).toBe('ollama:llama3:8b');
	});

	it('imports inline text and chat prompts, the tests as a dataset, and a runnable draft', async () => {
		const { result } = await importFiles([file('promptfooconfig.yaml', INLINE)]);
		const prompts = await core.library.listPrompts();
		const byName = new Map(prompts.map((p) => [p.name, p]));
		expect([...byName.keys()].sort()).toEqual(['promptfoo-1', 'promptfoo-3', 'terse-answer']);
		expect(byName.get('promptfoo-1')).toMatchObject({
			type: 'text',
			content: 'What is the capital of {{country}}?',
			tags: ['promptfoo'],
			modelConfig: { model: 'openai:gpt-4o-mini' }
		});
		expect(byName.get('promptfoo-3')).toMatchObject({
			type: 'chat',
			messages: [
				{ role: 'system', content: 'Answer with a city.' },
				{ role: 'user', content: '{{country}}?' }
			]
		});

		const ds = await core.evals.datasets.get(result.datasetId);
		expect(ds.name).toBe('Capitals quiz (promptfoo tests)');
		expect(ds.columns).toEqual([
			{ name: 'country', role: 'variable' },
			{ name: 'expected', role: 'expected' }
		]);
		expect(ds.rows.map((r) => r.values)).toEqual([
			{ country: 'France', expected: 'paris' },
			{ country: 'Italy', expected: 'rome' }
		]);

		const draft = (await loadEvalDraft(core.db.settings))!;
		expect(draft.name).toBe('promptfoo: Capitals quiz');
		expect(draft.variants).toEqual(
			result.prompts.map((p) => ({ promptId: p.id, versionId: null }))
		);
		expect(draft.models).toEqual([
			{ spec: 'openai:gpt-4o-mini' },
			{ spec: 'anthropic:claude-3-5-haiku-latest', label: 'haiku', params: { temperature: 0 } }
		]);
		expect(draft.assertions).toEqual([
			{ type: 'latency', threshold: 5000 },
			{ type: 'not-contains', value: 'London', weight: 2 },
			{ type: 'icontains' }
		]);
		expect(result.warnings).toEqual([
			'configure openai in Settings → Providers (needed for openai:gpt-4o-mini)',
			'configure anthropic in Settings → Providers (needed for anthropic:claude-3-5-haiku-latest)'
		]);

		const estimate = await core.evals.estimate(await planFromDraft());
		expect(estimate.calls).toBe(3 * 2 * 2);
	});

	it('lists what it ignored or cannot carry over as warnings, and still imports', async () => {
		const deps = promptfooImportDeps(core);
		const preview = await previewPromptfooImport(
			{
				files: [
					file(
						'promptfooconfig.yaml',
						`prompts:
  - file://thread.json
  - "Say {{q}}"
providers:
  - azure:chat:deploy
  - id: openai:chat:gpt-4o-mini
    prompts: [file://thread.json]
sharing: true
evaluateOptions: { repeat: 2 }
tests:
  - vars: { q: hi, messages: [{ role: user, content: hi }] }
    options: { transform: output.trim(), storeOutputAs: said }
    assert: [{ type: contains, value: hi }]
`
					),
					file(
						'thread.json',
						'[{% for m in messages %}{"role": "{{ m.role }}", "content": {{ m.content | dump }}}{% endfor %}]'
					)
				]
			},
			deps
		);
		expect(preview.warnings).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^providers\[0\]: unsupported provider "azure:chat:deploy".*skipped/),
				"sharing only matters to promptfoo's own reports; ignored",
				'prompts[0] (file://thread.json) is a chat template written as JSON: imported as a text prompt; run it with promptloom eval',
				'options.transform of test 1 was not imported: run the config with promptloom eval for it',
				'options.storeOutputAs of test 1 was not imported: run the config with promptloom eval for it',
				'the prompts filter of providers was not imported: every model runs every prompt',
				"evaluateOptions (repeat) apply to promptloom eval, not to the app's runs"
			])
		);
		expect(preview.models.map((m) => m.spec)).toEqual(['openai:gpt-4o-mini']);
		const result = await applyPromptfooImport(preview, deps);
		expect(result.prompts).toHaveLength(2);
	});

	it('matches file:// globs against the picked files by name', async () => {
		const { preview } = await importFiles([
			file(
				'promptfooconfig.yaml',
				'prompts: ["Q: {{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests: file://tests/*.yaml\n'
			),
			file('b.yaml', '- vars: { q: two }\n'),
			file('a.yaml', '- vars: { q: one }\n'),
			file('notes.txt', 'not a test file')
		]);
		expect(preview.dataset.rows.map((r) => r.values.q)).toEqual(['one', 'two']);
	});

	it('warns only about providers that are not configured in Settings', async () => {
		await core.providers.add({ name: 'OpenAI', id: 'work-openai', kind: 'openai' });
		const { preview } = await importFiles([file('promptfooconfig.yaml', INLINE)]);
		expect(preview.warnings).toEqual([
			'configure anthropic in Settings → Providers (needed for anthropic:claude-3-5-haiku-latest)'
		]);
	});

	it('reads file:// prompts and a CSV of tests from the picked files by base name', async () => {
		const config = `
prompts:
  - file://prompts/summarize.txt
  - file://./prompts/chat.json
providers: [openai:chat:gpt-4o-mini]
tests: file://data/tests.csv
`;
		const { result } = await importFiles([
			file('capitals.yaml', config),
			file('summarize.txt', 'Summarize {{text}} in {{words}} words.'),
			file(
				'chat.json',
				'[{"role":"system","content":"Be brief."},{"role":"user","content":"{{text}}"}]'
			),
			file(
				'tests.csv',
				'text,words,__expected,__description\nA long story,5,contains: story,first\nNews,3,News,second\n'
			)
		]);
		const prompts = await core.library.listPrompts();
		expect(prompts.map((p) => [p.name, p.type]).sort()).toEqual([
			['chat', 'chat'],
			['summarize', 'text']
		]);
		const ds = await core.evals.datasets.get(result.datasetId);
		expect(ds.name).toBe('capitals (promptfoo tests)');
		expect(ds.columns).toEqual([
			{ name: 'text', role: 'variable' },
			{ name: 'words', role: 'variable' },
			{ name: 'expected', role: 'expected' },
			{ name: '__description', role: 'ignore' }
		]);
		expect(ds.rows[0].values).toMatchObject({ text: 'A long story', expected: 'story' });
		expect(result.draft.assertions).toEqual([{ type: 'contains' }]);
		// Row 2's plain `__expected` is an equals check: one scorer per plan, so it is reported.
		expect(result.warnings).toContain(
			'"equals" on test 2 was not imported: the app applies the same scorers to every row, and only one per-test value fits in the expected column'
		);
		expect(result.warnings).toContain('test 2 has no expected value for the "contains" scorer');
	});

	it('names every referenced file that was not selected, and creates nothing', async () => {
		const config = `
prompts: [file://prompts/a.txt, file://b.txt]
providers: [openai:gpt-4o-mini]
tests: file://tests.csv
`;
		const e = await importFiles([file('promptfooconfig.yaml', config), file('b.txt', 'B')]).catch(
			(x: unknown) => x
		);
		expect(isPromptloomError(e, 'not_found')).toBe(true);
		expect((e as Error).message).toMatch(/^missing files a\.txt, tests\.csv: /);
		await nothingCreated();
	});

	it('names a missing file referenced from inside another file', async () => {
		const config = `
prompts: ["{{bio}}"]
providers: [openai:gpt-4o-mini]
tests: file://tests.yaml
`;
		const e = await importFiles([
			file('promptfooconfig.yaml', config),
			file('tests.yaml', '- vars: { bio: file://bio.txt }\n')
		]).catch((x: unknown) => x);
		expect((e as Error).message).toMatch(/^missing file bio\.txt: /);
		await nothingCreated();
	});

	it('checks everything before writing: a bad scorer creates nothing', async () => {
		const config = `
prompts: ["Hi {{name}}", "Hello {{name}}"]
providers: [openai:gpt-4o-mini]
defaultTest:
  assert: [{ type: regex, value: "([a-z" }]
tests: [{ vars: { name: Ann } }]
`;
		const e = await importFiles([file('promptfooconfig.yaml', config)]).catch((x: unknown) => x);
		expect(isPromptloomError(e, 'validation')).toBe(true);
		await nothingCreated();
	});

	it('removes the prompts it created when a later step fails, undo history included', async () => {
		await core.library.createPrompt({ name: 'keep-me' });
		const undoBefore = core.library.undoStack.size;
		const deps = promptfooImportDeps(core);
		const preview = await previewPromptfooImport(
			{ files: [file('promptfooconfig.yaml', INLINE)] },
			deps
		);
		const failing = {
			...deps,
			datasets: {
				save: () => Promise.reject(new Error('disk full')),
				remove: deps.datasets.remove.bind(deps.datasets)
			}
		};
		await expect(applyPromptfooImport(preview, failing)).rejects.toThrow('disk full');
		expect((await core.library.listPrompts()).map((p) => p.name)).toEqual(['keep-me']);
		expect(await core.library.listTrash()).toEqual([]);
		expect(await core.evals.datasets.list()).toEqual([]);
		expect(await loadEvalDraft(core.db.settings)).toBeNull();
		expect(core.library.undoStack.size).toBe(undoBefore);
	});

	it('removes the dataset too when saving the draft fails', async () => {
		const deps = promptfooImportDeps(core);
		const preview = await previewPromptfooImport(
			{ files: [file('promptfooconfig.yaml', INLINE)] },
			deps
		);
		const failing = {
			...deps,
			drafts: { ...deps.drafts, put: () => Promise.reject(new Error('quota')) }
		};
		await expect(applyPromptfooImport(preview, failing)).rejects.toThrow('quota');
		await nothingCreated();
	});

	it('keeps prompt names unique against the library and within the config', async () => {
		await core.library.createPrompt({ name: 'promptfoo-1' });
		const config = `
prompts:
  - "One {{x}}"
  - { raw: "Two {{x}}", label: Same }
  - { raw: "Three {{x}}", label: Same }
providers: [ollama:chat:llama3]
`;
		const { result } = await importFiles([file('promptfooconfig.yaml', config)]);
		expect(result.prompts.map((p) => p.name)).toEqual(['promptfoo-1-2', 'same', 'same-2']);
		// No tests: one empty row, so the draft still runs each prompt once per model.
		const ds = await core.evals.datasets.get(result.datasetId);
		expect(ds.rows).toEqual([{ id: 'r1', values: {} }]);
	});

	it('refuses chat messages with a role the library does not have', async () => {
		const config = `
prompts: ['[{"role":"tool","content":"x"}]']
providers: [openai:gpt-4o-mini]
`;
		await expect(importFiles([file('promptfooconfig.yaml', config)])).rejects.toThrow(
			'prompts[0].messages[0]: role "tool" is not supported (use system, user, assistant)'
		);
		await nothingCreated();
	});
});
