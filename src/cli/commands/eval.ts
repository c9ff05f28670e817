/** @module `promptloom eval <promptfooconfig.yaml>`: runs a promptfoo-style evaluation from the command line. */
import { access, constants, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryRunStore } from '../../lib/core/eval/run/store';
import {
	parsePromptfooConfig,
	type PromptfooConfig,
	type PromptfooProvider
} from '../../lib/core/eval/promptfoo/config';
import { parseProviderId } from '../../lib/core/eval/provider-id';
import { NodeJsSandbox } from '../../lib/core/eval/sandbox/js-sandbox.node.ts';
import type { ModelCall } from '../../lib/core/eval/types';
import { chatForEval } from '../../lib/core/eval/run/model-call';
import { isPromptloomError } from '../../lib/core/model/errors';
import {
	createProvider,
	settingsFromEnv,
	type ChatMessage,
	type LlmProvider,
	type ProviderKind
} from '../../lib/core/providers/index';
import { createNodeRenderer } from '../../lib/core/template/renderer.node.ts';
import { FileResponseCache } from '../eval/file-cache';
import { listGlob } from '../eval/glob-files';
import { PromptfooRun } from '../eval/promptfoo-run';
import { progressReporter, waitingReporter } from '../eval/progress';
import { resultsJson, summaryTable } from '../eval/report';
import { unreadableReason } from '../prompt-files';
import type { PluginSet } from '../../lib/core/plugins/plugin-set';
import { loadCliPlugins } from './plugin-load';
import type { CliCommand, CliIO } from '../types';
import {
	GuardTally,
	guardForCli,
	loadCliPolicy,
	POLICY_OPTIONS,
	policyUsage,
	PolicyOptionError
} from '../security-policy';

/**
 * Where cached answers live: `$PROMPTLOOM_CACHE_DIR`, else `$XDG_CACHE_HOME/promptloom/eval`,
 * else `~/.cache/promptloom/eval` — never inside the folder being evaluated (often a Git checkout).
 */
export function evalCacheDir(env: CliIO['env']): string {
	if (env.PROMPTLOOM_CACHE_DIR) return resolve(env.PROMPTLOOM_CACHE_DIR);
	const base =
		env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
			? env.XDG_CACHE_HOME
			: join(env.HOME || homedir(), '.cache');
	return join(base, 'promptloom', 'eval');
}

/** Why `path` cannot be written, or null when it can (checked before a run that may take hours). */
async function unwritableReason(path: string): Promise<string | null> {
	const existing = await stat(path).catch(() => null);
	if (existing?.isDirectory()) return 'it is a directory';
	try {
		await access(existing ? path : dirname(path), constants.W_OK);
		return null;
	} catch (e) {
		return unreadableReason(e);
	}
}

const USAGE = `Usage: promptloom eval <promptfooconfig.yaml> [options]

Runs a promptfoo-style evaluation: every test × prompt × provider, scored by the tests' assertions.

Options:
  --output <file>          Write the results as JSON (default: the config's outputPath, if any)
  --max-concurrency <n>    Model calls in flight at once (default 4)
  --no-cache               Neither read nor write cached answers: call the models again
  --timeout <seconds>      Give up on a model call after this long (per attempt; default 120)
  --plugin <dir>           Load the plugin in <dir> (promptloom-plugin.json): its scorers are
                           assertion types plugin:<id>/<name>; repeatable
${policyUsage(27)}
  -h, --help               Show this help

Config keys: description, prompts (inline strings, file:// text, .csv, .json/.yaml chat files,
which may themselves be templates, lists, {id, label, raw}), providers (openai:chat:<model>,
anthropic:messages:<model>, ollama:chat:<model>, google:<model>, with config.apiBaseUrl,
config.apiKey, config.apiKeyEnvar, model parameters such as temperature and max_tokens, and
prompts to run only some prompts), tests and defaultTest (inline or
file://…csv|.json|.jsonl|.yaml, where __expected columns are assertions), scenarios, vars (inline
or file://…txt|.json|.yaml|.csv|.jsonl), assert (with transform), per-test options (transform,
transformVars, storeOutputAs, prefix, suffix, provider, rubricPrompt, and provider parameters
such as response_format), per-test providers, metadata.conversationId with _conversation in
templates, evaluateOptions (maxConcurrency, delay, repeat, cache, timeoutMs), env, outputPath.
file:// paths may be globs (file://tests/*.yaml). Templates are nunjucks as promptfoo writes
them, rendered by Promptloom's safe engine; transform, transformVars and javascript code run in
the sandbox. A key that would change results if ignored is refused by name; other unsupported
keys and providers we do not have (while others remain) are warnings.

Keys come from config.apiKey, the variable named by config.apiKeyEnvar, or OPENAI_API_KEY,
ANTHROPIC_API_KEY, GEMINI_API_KEY; base URLs from config.apiBaseUrl or OPENAI_BASE_URL,
ANTHROPIC_BASE_URL, OLLAMA_BASE_URL / OLLAMA_HOST.

Templates are rendered by Promptloom's safe Jinja engine in a worker thread; javascript
assertions run in a sandbox without network or file access.

Responses are cached in $PROMPTLOOM_CACHE_DIR, else $XDG_CACHE_HOME/promptloom/eval, else
~/.cache/promptloom/eval (one JSON file per request, keyed by provider, model, rendered prompt
and parameters), so running again costs nothing; --no-cache neither reads nor writes it.
While calls are slow, a line every 10 s says how many are waiting and for how long.

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
	env: CliIO['env'],
	timeoutMs: number | undefined
): LlmProvider {
	const kind = KINDS[p.provider];
	const settings = { ...settingsFromEnv(kind, env), timeoutMs };
	if (p.apiBaseUrl) settings.baseUrl = p.apiBaseUrl;
	const key = p.apiKey ?? (p.apiKeyEnvar ? env[p.apiKeyEnvar] : undefined);
	if (key) settings.apiKey = key;
	return createProvider(settings);
}

/** One provider instance per `provider:model`; judges named only by id use the environment. */
function buildModelCall(
	config: PromptfooConfig,
	env: CliIO['env'],
	timeoutMs: number | undefined,
	guard: (p: LlmProvider) => LlmProvider = (p) => p
): ModelCall {
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
		byKey.set(key, guard(providerFor(p, env, timeoutMs)));
	}
	return async (req) => {
		const key = `${req.provider}:${req.model}`;
		let provider = byKey.get(key);
		if (!provider) {
			// A judge on the same service as a configured provider shares its base URL and key.
			const sibling = config.providers.find((p) => p.provider === req.provider);
			provider = guard(providerFor(sibling ?? { provider: req.provider }, env, timeoutMs));
			byKey.set(key, provider);
		}
		if (
			!['openai', 'anthropic'].includes(KINDS[req.provider]) &&
			req.messages.some((m) => m.attachments?.length)
		)
			throw new Error(
				`image and audio content parts are sent to OpenAI-compatible and Anthropic providers only, not to ${req.provider}`
			);
		return chatForEval(provider, req.model, req.messages as ChatMessage[], req);
	};
}

/** Waits `ms` after each model call (promptfoo's `evaluateOptions.delay`). */
function withDelay(call: ModelCall, ms: number): ModelCall {
	if (ms <= 0) return call;
	return async (req) => {
		try {
			return await call(req);
		} finally {
			await new Promise((r) => setTimeout(r, ms));
		}
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
			readFile: (p) => readFile(isAbsolute(p) ? p : join(base, p), 'utf8'),
			listFiles: (pattern) => listGlob(base, pattern)
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
					'no-cache': { type: 'boolean', default: false },
					plugin: { type: 'string', multiple: true },
					timeout: { type: 'string' },
					...POLICY_OPTIONS
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
		const flagConcurrency =
			values['max-concurrency'] === undefined ? undefined : Number(values['max-concurrency']);
		if (
			flagConcurrency !== undefined &&
			(!Number.isInteger(flagConcurrency) || flagConcurrency < 1)
		) {
			io.stderr(
				`promptloom eval: --max-concurrency must be a whole number ≥ 1, got "${values['max-concurrency']}"\n`
			);
			return 2;
		}
		const timeoutSec = values.timeout === undefined ? undefined : Number(values.timeout);
		if (timeoutSec !== undefined && !(timeoutSec > 0 && Number.isFinite(timeoutSec))) {
			io.stderr(
				`promptloom eval: --timeout must be a number of seconds > 0, got "${values.timeout}"\n`
			);
			return 2;
		}
		const configPath = resolve(io.cwd, positionals[0]);
		let config: PromptfooConfig;
		let callModel: ModelCall;
		const tally = new GuardTally();
		let plugins: PluginSet | undefined;
		try {
			// Plugin scorers are registered before the config's assertion types are checked.
			plugins = await loadCliPlugins(io, values.plugin ?? []);
			config = await loadConfig(configPath);
			for (const p of config.providers) parseProviderId(p.id);
			for (const w of config.warnings) io.stderr(`warning: ${w}\n`);
			// PII and secrets are redacted (as the policy says) before prompts leave the machine.
			const policy = await loadCliPolicy(io, values);
			const timeoutMs = timeoutSec ? timeoutSec * 1000 : config.evaluateOptions.timeoutMs;
			callModel = withDelay(
				buildModelCall(config, { ...io.env, ...config.env }, timeoutMs || undefined, (p) =>
					guardForCli(p, policy, io, (r) => tally.add(r))
				),
				config.evaluateOptions.delay ?? 0
			);
		} catch (e) {
			plugins?.close();
			if (e instanceof UsageError || e instanceof PolicyOptionError || isPromptloomError(e)) {
				io.stderr(`promptloom eval: ${(e as Error).message}\n`);
				return 2;
			}
			throw e;
		}
		const output = values.output ?? config.outputPath;
		const outputPath = output ? resolve(io.cwd, output) : null;
		const unwritable = outputPath && (await unwritableReason(outputPath));
		if (unwritable) {
			plugins.close();
			io.stderr(`promptloom eval: cannot write results to "${outputPath}": ${unwritable}\n`);
			return 2;
		}
		const eo = config.evaluateOptions;
		// promptfoo runs one call at a time when it waits after each.
		const concurrency = flagConcurrency ?? (eo.delay ? 1 : (eo.maxConcurrency ?? 4));
		// Repeats are fresh calls, as are runs with the cache turned off in the config.
		const noCache = values['no-cache'] || eo.cache === false || (eo.repeat ?? 1) > 1;
		const renderer = createNodeRenderer();
		const sandbox = new NodeJsSandbox();
		const plan = new PromptfooRun(config, renderer, sandbox);
		const rows = plan.rows;
		const cases = plan.allCases();
		const cache = noCache ? undefined : new FileResponseCache(evalCacheDir(io.env));
		const tty = Boolean(process.stderr.isTTY) && !io.env.CI;
		const progress = progressReporter(io.stderr, tty);
		const waits = waitingReporter(io.stderr);
		const controller = new AbortController();
		const onSigint = () => controller.abort();
		process.once('SIGINT', onSigint);
		try {
			io.stderr(
				`Running ${cases.length} cases (${rows.length} tests × ${config.prompts.length} prompts × ${config.providers.length} providers), concurrency ${concurrency}${noCache ? ', cache off' : ''}\n`
			);
			const { run, results, total } = await plan.run({
				callModel: waits.track(callModel),
				store: new MemoryRunStore(),
				cache,
				noCache,
				concurrency,
				signal: controller.signal,
				onProgress: (p) => progress.update(p),
				scoring: { sandbox }
			});
			waits.stop();
			progress.end();
			for (const r of results.filter((x) => x.error !== null).slice(0, 5))
				io.stderr(`error: ${r.rowId} × ${r.modelLabel}: ${r.error}\n`);
			if (tally.redacted > 0) io.stderr(tally.line());
			io.stdout(summaryTable(config, results, run));
			if (outputPath) {
				const out = outputPath;
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
			return results.length === total && results.every((r) => r.pass) ? 0 : 1;
		} finally {
			waits.stop();
			process.off('SIGINT', onSigint);
			renderer.dispose();
			await sandbox.dispose();
			plugins.close();
		}
	}
};
