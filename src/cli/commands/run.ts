/** @module `promptloom run <prompt-file> --model <provider:model>`: renders a prompt and calls a model. */
import { parseArgs } from 'node:util';
import { isPromptloomError } from '../../lib/core/model/errors';
import { ProviderError, providerFromEnv, type ChatResult } from '../../lib/core/providers/index';
import { TemplateError } from '../../lib/core/template/errors';
import { startConversation } from '../../lib/core/template/conversation';
import { createNodeRenderer } from '../../lib/core/template/renderer.node.ts';
import type { CliCommand } from '../types';
import { InputError, parseChatFile, readText, readVars } from '../prompt-files';
import { waitingReporter } from '../eval/progress';
import {
	GuardTally,
	guardForCli,
	loadCliPolicy,
	POLICY_OPTIONS,
	policyUsage
} from '../security-policy';

const USAGE = `Usage: promptloom run <prompt-file> --model <provider:model> [options]

Renders a prompt template (safely, in a worker thread) and sends it to a model. The answer streams
to stdout; a trailer with the model, token usage, cost and latency goes to stderr, so
\`promptloom run … > answer.txt\` keeps only the answer.

The provider comes from the environment:
  openai:<model>, <custom-id>:<model>  OPENAI_BASE_URL, OPENAI_API_KEY
  anthropic:<model>                    ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY
  gemini:<model>                       GEMINI_BASE_URL, GEMINI_API_KEY (or GOOGLE_API_KEY)
  ollama:<model>                       OLLAMA_BASE_URL or OLLAMA_HOST
  openrouter:, vllm:, lmstudio:, llamacpp:  their usual URLs (OPENROUTER_API_KEY)

Options:
  --model <spec>       Required. provider:model, e.g. openai:gpt-4o-mini, ollama:llama3:8b
  --vars <vars.json>   Variables as a JSON object
  --chat               The file is a JSON or YAML list of {role, content} messages (each content
                       is a template); otherwise the whole file is one user message
  --trim-blocks        Jinja2 trim_blocks
  --lstrip-blocks      Jinja2 lstrip_blocks
  --temperature <t>    Sampling temperature (0–2)
  --max-tokens <n>     Most output tokens
  --timeout <seconds>  Give up on the model after this long (per attempt; default 120); while
                       no answer has come, a line every 10 s on stderr says how long it has been
  --format text|json   text (default): stream the answer; json: print one JSON object
                       {output, model, usage, costUsd, latencyMs, finishReason} when done
${policyUsage(23)}
  -h, --help           Show this help

Trailer (stderr): "-- <provider>:<model> · <in> in / <out> out tokens · $<cost> · <ms> ms"
("~" before the token counts when the server did not report usage; "price unknown" for models
missing from the price table).

Exit status:
  0  the model answered
  1  template error (<file>:<line>:<column>: message), render limit, unreadable file or vars,
     or a provider error (bad key, unknown model, rate limit after retries, timeout, network)
  2  usage error (missing --model, bad option)
`;

function numberOption(value: string | undefined, name: string): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} must be a number`);
	return n;
}

class UsageError extends Error {}

/** The stderr trailer: model, usage, cost and latency of the call. */
export function formatTrailer(spec: string, r: ChatResult): string {
	const approx = r.usage.estimated ? '~' : '';
	const cost = r.costUsd === null ? 'price unknown' : `$${r.costUsd.toFixed(6)}`;
	return `-- ${spec} · ${approx}${r.usage.inputTokens} in / ${approx}${r.usage.outputTokens} out tokens · ${cost} · ${Math.round(r.latencyMs)} ms\n`;
}

export const runCommand: CliCommand = {
	name: 'run',
	summary: 'Render a prompt and send it to a model (prints the answer, usage and cost)',
	usage: USAGE,
	async run(args, io) {
		let values;
		let positionals;
		let temperature: number | undefined;
		let maxTokens: number | undefined;
		let timeoutSec: number | undefined;
		try {
			({ values, positionals } = parseArgs({
				args,
				allowPositionals: true,
				options: {
					model: { type: 'string' },
					vars: { type: 'string' },
					chat: { type: 'boolean', default: false },
					'trim-blocks': { type: 'boolean', default: false },
					'lstrip-blocks': { type: 'boolean', default: false },
					temperature: { type: 'string' },
					'max-tokens': { type: 'string' },
					format: { type: 'string', default: 'text' },
					timeout: { type: 'string' },
					...POLICY_OPTIONS
				}
			}));
			if (positionals.length !== 1) throw new UsageError('expected one <prompt-file>');
			if (!values.model) throw new UsageError('--model <provider:model> is required');
			if (values.format !== 'text' && values.format !== 'json')
				throw new UsageError(`--format must be "text" or "json", got "${values.format}"`);
			temperature = numberOption(values.temperature, '--temperature');
			maxTokens = numberOption(values['max-tokens'], '--max-tokens');
			timeoutSec = numberOption(values.timeout, '--timeout');
			if (timeoutSec !== undefined && !(timeoutSec > 0))
				throw new UsageError('--timeout must be a number of seconds > 0');
			if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1))
				throw new UsageError('--max-tokens must be a positive integer');
		} catch (e) {
			io.stderr(`promptloom run: ${(e as Error).message}\n\n${USAGE}`);
			return 2;
		}
		const file = positionals[0];
		const spec = values.model;
		const json = values.format === 'json';
		let provider;
		let model;
		const tally = new GuardTally();
		try {
			({ provider, model } = providerFromEnv(
				spec,
				io.env,
				timeoutSec === undefined ? {} : { timeoutMs: timeoutSec * 1000 }
			));
			// PII and secrets are redacted (as the policy says) before the prompt leaves the machine.
			provider = guardForCli(provider, await loadCliPolicy(io, values), io, (r) => tally.add(r));
		} catch (e) {
			io.stderr(`promptloom run: ${(e as Error).message}\n`);
			return 2;
		}
		const renderer = createNodeRenderer();
		try {
			const source = await readText(io, file, 'prompt file');
			const variables = values.vars ? await readVars(io, values.vars) : {};
			const options = {
				trimBlocks: values['trim-blocks'],
				lstripBlocks: values['lstrip-blocks']
			};
			const rendered = await renderer.render(
				values.chat
					? { messages: parseChatFile(source, file), variables, options }
					: { template: source, variables, options }
			);
			renderer.dispose();
			for (const w of rendered.warnings) io.stderr(`warning: ${w.message}\n`);
			let streamed = '';
			const waits = waitingReporter(io.stderr);
			const result = await waits
				.watch(spec, () =>
					provider.chat(
						{ model, messages: startConversation(rendered), temperature, maxTokens },
						json
							? { stream: false }
							: {
									onDelta: (d) => {
										if (!streamed) waits.stop();
										streamed += d;
										io.stdout(d);
									}
								}
					)
				)
				.finally(() => waits.stop());
			if (json) {
				io.stdout(
					JSON.stringify(
						{
							output: result.text,
							model: result.model,
							usage: result.usage,
							costUsd: result.costUsd,
							latencyMs: Math.round(result.latencyMs),
							finishReason: result.finishReason
						},
						null,
						2
					) + '\n'
				);
			} else {
				if (streamed === '' && result.text !== '') io.stdout(result.text);
				if (!result.text.endsWith('\n')) io.stdout('\n');
			}
			if (tally.redacted > 0) io.stderr(tally.line());
			io.stderr(formatTrailer(spec, result));
			return 0;
		} catch (e) {
			if (e instanceof InputError) {
				io.stderr(`promptloom run: ${e.message}\n`);
				return 1;
			}
			if (e instanceof TemplateError && e.code === 'template_syntax' && e.line !== undefined) {
				io.stderr(
					`${file}:${e.line}:${e.column}: ${e.message.replace(/line \d+, column \d+: /, '')}\n`
				);
				return 1;
			}
			if (e instanceof ProviderError) {
				if (e.partialText) io.stdout('\n');
				io.stderr(`promptloom run: ${e.message}\n`);
				return 1;
			}
			if (isPromptloomError(e)) {
				io.stderr(`promptloom run: ${e.message}\n`);
				return 1;
			}
			throw e;
		} finally {
			renderer.dispose();
		}
	}
};
