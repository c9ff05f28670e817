/** @module `promptloom render <template-file>`: renders a Jinja template safely (in a worker thread). */
import { parseArgs } from 'node:util';
import { isPromptloomError } from '../../lib/core/model/errors';
import { TemplateError } from '../../lib/core/template/errors';
import { createNodeRenderer } from '../../lib/core/template/renderer.node.ts';
import type { RenderResult } from '../../lib/core/template/types';
import type { CliCommand } from '../types';
import { InputError, parseChatFile, readText, readVars } from '../prompt-files';

const USAGE = `Usage: promptloom render <template-file> [options]

Renders a Jinja template (rendered by @huggingface/jinja in a worker thread with time and
output limits; templates cannot reach JavaScript internals) and prints the result.

Options:
  --vars <vars.json>  Variables as a JSON object
  --trim-blocks       Jinja2 trim_blocks: drop the first newline after a block tag
  --lstrip-blocks     Jinja2 lstrip_blocks: strip spaces before a block tag on its line
  --chat              The file is a chat prompt: a JSON or YAML list of messages
                      [{"role": "system"|"user"|"assistant", "content": "<template>"}, …];
                      each content is rendered
  --strict            A variable the template needs but --vars lacks is an error
  --format text|json  text (default): the output as is (chat: "[role]" header before each
                      message); json: {"output": <text or list of messages>}
  -h, --help          Show this help

Templates may use the globals raise_exception, strftime_now, range, namespace, bos_token and
eos_token, and the prompt filters json, trim, indent and truncate_tokens(n). include() and
fewshot() need the app's library and are not available here.

Exit status:
  0  rendered (warnings about missing or unused variables go to stderr)
  1  syntax error (printed as <file>:<line>:<column>: <message>), runtime error, missing file,
     bad --vars or bad chat file
  2  unsafe template or render limit exceeded (time, output size, nesting)
`;

function formatOutput(result: RenderResult, format: 'text' | 'json'): string {
	if (format === 'json') return JSON.stringify({ output: result.output }, null, 2) + '\n';
	const text =
		result.kind === 'text'
			? result.output
			: result.output.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
	return text === '' || text.endsWith('\n') ? text : text + '\n';
}

/** Strips the "line L, column C: " prefix the position is printed in front of. */
function withoutPosition(message: string): string {
	return message.replace(/line \d+, column \d+: /, '');
}

export const renderCommand: CliCommand = {
	name: 'render',
	summary: 'Render a Jinja prompt template with variables (safely, in a worker)',
	usage: USAGE,
	async run(args, io) {
		let parsed;
		try {
			parsed = parseArgs({
				args,
				allowPositionals: true,
				options: {
					vars: { type: 'string' },
					'trim-blocks': { type: 'boolean', default: false },
					'lstrip-blocks': { type: 'boolean', default: false },
					chat: { type: 'boolean', default: false },
					strict: { type: 'boolean', default: false },
					format: { type: 'string', default: 'text' }
				}
			});
		} catch (e) {
			io.stderr(`promptloom render: ${(e as Error).message}\n`);
			return 1;
		}
		const { values, positionals } = parsed;
		const format = values.format;
		if (format !== 'text' && format !== 'json') {
			io.stderr(`promptloom render: --format must be "text" or "json", got "${format}"\n`);
			return 1;
		}
		if (positionals.length !== 1) {
			io.stderr(`promptloom render: expected one <template-file>\n\n${USAGE}`);
			return 1;
		}
		const file = positionals[0];
		const renderer = createNodeRenderer();
		try {
			const source = await readText(io, file, 'template file');
			const variables = values.vars ? await readVars(io, values.vars) : {};
			const options = {
				trimBlocks: values['trim-blocks'],
				lstripBlocks: values['lstrip-blocks'],
				strict: values.strict
			};
			const result = await renderer.render(
				values.chat
					? { messages: parseChatFile(source, file), variables, options }
					: { template: source, variables, options }
			);
			for (const w of result.warnings) io.stderr(`warning: ${w.message}\n`);
			io.stdout(formatOutput(result, format));
			return 0;
		} catch (e) {
			if (e instanceof InputError) {
				io.stderr(`promptloom render: ${e.message}\n`);
				return 1;
			}
			if (
				isPromptloomError(e, 'template_syntax') &&
				e instanceof TemplateError &&
				e.line !== undefined
			) {
				io.stderr(`${file}:${e.line}:${e.column}: ${withoutPosition(e.message)}\n`);
				return 1;
			}
			if (isPromptloomError(e, 'template_unsafe') || isPromptloomError(e, 'template_limit')) {
				io.stderr(`promptloom render: ${e.message}\n`);
				return 2;
			}
			if (isPromptloomError(e)) {
				io.stderr(`promptloom render: ${e.message}\n`);
				return 1;
			}
			throw e;
		} finally {
			renderer.dispose();
		}
	}
};
