/** @module `promptloom eval <promptfooconfig.yaml>`: runs a promptfoo-style evaluation from the command line. */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expandCases } from '../../lib/core/eval/run/cases';
import { runEval } from '../../lib/core/eval/run/runner';
import { MemoryRunStore } from '../../lib/core/eval/run/store';
import {
	parsePromptfooConfig,
	promptfooModels,
	promptfooRows,
	type PromptfooConfig,
	type PromptfooProvider
} from '../../lib/core/eval/promptfoo/config';
import { parseProviderId } from '../../lib/core/eval/provider-id';
import { NodeJsSandbox } from '../../lib/core/eval/sandbox/js-sandbox-node';
import type { EvalMessage, ModelCall, RenderCase } from '../../lib/core/eval/types';
import { chatForEval } from '../../lib/core/eval-app/model-call';
import { isPromptloomError } from '../../lib/core/model/errors';
import {
	createProvider,
	settingsFromEnv,
	type ChatMessage,
	type LlmProvider,
	type ProviderKind
} from '../../lib/core/providers/index';
import { createNodeRenderer } from '../../lib/core/template/node-renderer';
import type { ChatMessageTemplate } from '../../lib/core/template/types';
import { FileResponseCache } from '../eval/file-cache';
import { progressReporter } from '../eval/progress';
import { resultsJson, summaryTable } from '../eval/report';
import { unreadableReason } from '../prompt-files';
import type { CliCommand, CliIO } from '../types';

export const CACHE_DIR_NAME = '.promptloom-cache';

const USAGE = `Usage: promptloom eval <promptfooconfig.yaml> [options]

Runs a promptfoo-style evaluation: every test × prompt × provider, scored by the tests' assertions.

Options:
  --output <file>          Write the results as JSON (default: the config's outputPath, if any)
  --max-concurrency <n>    Model calls in flight at once (default 4)
  --no-cache               Call the models again instead of reusing cached answers
  -h, --help               Show this help

Config keys: description, prompts (inline strings, file:// paths, lists, {id, label, raw}),
providers (openai:chat:<model>, anthropic:messages:<model>, ollama:chat:<model>, google:<model>,
with config.apiBaseUrl, config.apiKey, config.apiKeyEnvar and model parameters such as
temperature and max_tokens), tests (inline list or file://tests.csv|.json|.jsonl|.yaml, where
__expected columns are assertions), defaultTest, vars, assert, outputPath. Unsupported keys are
reported by name.

Keys come from config.apiKey, the variable named by config.apiKeyEnvar, or OPENAI_API_KEY,
ANTHROPIC_API_KEY, GEMINI_API_KEY; base URLs from config.apiBaseUrl or OPENAI_BASE_URL,
ANTHROPIC_BASE_URL, OLLAMA_BASE_URL / OLLAMA_HOST.

Templates are rendered by Promptloom's safe Jinja engine in a worker thread; javascript
assertions run in a sandbox without network or file access.

Responses are cached in ${CACHE_DIR_NAME}/ next to the config (one JSON file per request:
provider, model, rendered prompt and parameters), so running again costs nothing; delete the
folder or pass --no-cache to call the models again.

Exit status: 0 every test passed, 1 a test failed (or a call errored), 2 usage or config error.
`;

const KINDS: Record<string, ProviderKind> = {
	openai: 'openai',
	anthropic: 'anthropic',
	ollama: 'ollama',
	google: 'gemini'
};

class UsageError extends Error {}

function providerFor(
	p: Pick<PromptfooProvider, 'provider' | 'apiBaseUrl' | 'apiKey' | 'apiKeyEnvar'>,
	env: CliIO['env']
): LlmProvider {
	const kind = KINDS[p.provider];
	const settings = settingsFromEnv(kind, env);
	if (p.apiBaseUrl) settings.baseUrl = p.apiBaseUrl;
	const key = p.apiKey ?? (p.apiKeyEnvar ? env[p.apiKeyEnvar] : undefined);
	if (key) settings.apiKey = key;
	return createProvider(settings);
}

/** One provider instance per `provider:model`; judges named only by id use the environment. */
function buildModelCall(config: PromptfooConfig, env: CliIO['env']): ModelCall {
	const byKey = new Map<string, LlmProvider>();
	const seen = new Map<string, PromptfooProvider>();
	for (const p of config.providers) {
		const key = `${p.provider}:${p.model}`;
		const prev = seen.get(key);
		if (prev && (prev.apiBaseUrl !== p.apiBaseUrl || prev.apiKey !== p.apiKey))
			throw new UsageError(
				`providers "${prev.label}" and "${p.label}" use the same model ${key} with different settings; this is not supported`
			);
		seen.set(key, p);
		byKey.set(key, providerFor(p, env));
	}
	return async (req) => {
		const key = `${req.provider}:${req.model}`;
		let provider = byKey.get(key);
		if (!provider) {
			// A judge on the same service as a configured provider shares its base URL and key.
			const sibling = config.providers.find((p) => p.provider === req.provider);
			provider = providerFor(sibling ?? { provider: req.provider }, env);
			byKey.set(key, provider);
		}
		return chatForEval(provider, req.model, req.messages as ChatMessage[], req);
	};
}

function buildRender(
	config: PromptfooConfig,
	renderer: ReturnType<typeof createNodeRenderer>
): RenderCase {
	const prompts = new Map(config.prompts.map((p) => [p.id, p]));
	return async (id, vars): Promise<EvalMessage[]> => {
		const p = prompts.get(id);
		if (!p) throw new Error(`no prompt "${id}"`);
		if (p.messages) {
			const result = await renderer.render({
				messages: p.messages as ChatMessageTemplate[],
				variables: vars
			});
			return result.kind === 'chat' ? result.output : [{ role: 'user', content: result.output }];
		}
		const result = await renderer.render({ template: p.raw, variables: vars });
		return result.kind === 'text' ? [{ role: 'user', content: result.output }] : result.output;
	};
}

async function loadConfig(path: string): Promise<PromptfooConfig> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (e) {
		throw new UsageError(`cannot read config "${path}": ${unreadableReason(e)}`);
	}
	const base = dirname(path);
	try {
		return await parsePromptfooConfig(text, {
			readFile: (p) => readFile(isAbsolute(p) ? p : join(base, p), 'utf8')
		});
	} catch (e) {
		if (isPromptloomError(e)) throw new UsageError(e.message);
		throw e;
	}
}

export const evalCommand: CliCommand = {
	name: 'eval',
	summary: 'Run a promptfoo-style evaluation config (prompts × providers × tests)',
	usage: USAGE,
	async run(args, io) {
		let parsed;
		try {
			parsed = parseArgs({
				args,
				allowPositionals: true,
				options: {
					output: { type: 'string', short: 'o' },
					'max-concurrency': { type: 'string', short: 'j' },
					'no-cache': { type: 'boolean', default: false }
				}
			});
		} catch (e) {
			io.stderr(`promptloom eval: ${(e as Error).message}\n\n${USAGE}`);
			return 2;
		}
		const { values, positionals } = parsed;
		if (positionals.length !== 1) {
			io.stderr(`promptloom eval: expected one <promptfooconfig.yaml>\n\n${USAGE}`);
			return 2;
		}
		const concurrency =
			values['max-concurrency'] === undefined ? 4 : Number(values['max-concurrency']);
		if (!Number.isInteger(concurrency) || concurrency < 1) {
			io.stderr(
				`promptloom eval: --max-concurrency must be a whole number ≥ 1, got "${values['max-concurrency']}"\n`
			);
			return 2;
		}
		const configPath = resolve(io.cwd, positionals[0]);
		let config: PromptfooConfig;
		let callModel: ModelCall;
		try {
			config = await loadConfig(configPath);
			for (const p of config.providers) parseProviderId(p.id);
			callModel = buildModelCall(config, io.env);
		} catch (e) {
			if (e instanceof UsageError || isPromptloomError(e)) {
				io.stderr(`promptloom eval: ${(e as Error).message}\n`);
				return 2;
			}
			throw e;
		}
		const rows = promptfooRows(config);
		const cases = expandCases({
			versionIds: config.prompts.map((p) => p.id),
			rows,
			models: promptfooModels(config)
		});
		const renderer = createNodeRenderer();
		const sandbox = new NodeJsSandbox();
		const cache = new FileResponseCache(join(dirname(configPath), CACHE_DIR_NAME));
		const tty = Boolean(process.stderr.isTTY) && !io.env.CI;
		const progress = progressReporter(io.stderr, tty);
		const controller = new AbortController();
		const onSigint = () => controller.abort();
		process.once('SIGINT', onSigint);
		try {
			io.stderr(
				`Running ${cases.length} cases (${rows.length} tests × ${config.prompts.length} prompts × ${config.providers.length} providers), concurrency ${concurrency}${values['no-cache'] ? ', cache off' : ''}\n`
			);
			const { run, results } = await runEval({
				runId: 'cli',
				cases,
				callModel,
				render: buildRender(config, renderer),
				store: new MemoryRunStore(),
				cache,
				noCache: values['no-cache'],
				concurrency,
				signal: controller.signal,
				onProgress: (p) => progress.update(p),
				scoring: { sandbox }
			});
			progress.end();
			for (const r of results.filter((x) => x.error !== null).slice(0, 5))
				io.stderr(`error: ${r.rowId} × ${r.modelLabel}: ${r.error}\n`);
			io.stdout(summaryTable(config, results, run));
			const output = values.output ?? config.outputPath;
			if (output) {
				const out = resolve(io.cwd, output);
				await writeFile(
					out,
					JSON.stringify(resultsJson(config, rows, results, run, configPath), null, 2) + '\n'
				);
				io.stderr(`results written to ${out}\n`);
			}
			if (run.status === 'cancelled') {
				io.stderr('promptloom eval: cancelled\n');
				return 1;
			}
			return results.length === cases.length && results.every((r) => r.pass) ? 0 : 1;
		} finally {
			process.off('SIGINT', onSigint);
			renderer.dispose();
			await sandbox.dispose();
		}
	}
};
