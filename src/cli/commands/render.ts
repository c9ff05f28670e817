/** @module `promptloom render <template-file>`: renders a Jinja template safely (in a worker thread). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { isPromptloomError } from '../../lib/core/model/errors';
import { ROLES, type ChatRole } from '../../lib/core/model/prompt';
import { TemplateError } from '../../lib/core/template/errors';
import { createNodeRenderer } from '../../lib/core/template/node-renderer';
import type { ChatMessageTemplate, RenderResult } from '../../lib/core/template/types';
import type { CliCommand, CliIO } from '../types';

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

class RenderInputError extends Error {}

async function readText(io: CliIO, file: string, what: string): Promise<string> {
	try {
		return await readFile(resolve(io.cwd, file), 'utf8');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const reason =
			code === 'ENOENT'
				? 'no such file'
				: code === 'EISDIR'
					? 'it is a directory'
					: String(code ?? e);
		throw new RenderInputError(`cannot read ${what} "${file}": ${reason}`);
	}
}

async function readVars(io: CliIO, file: string): Promise<Record<string, unknown>> {
	const text = await readText(io, file, 'vars file');
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new RenderInputError(`bad vars file "${file}": ${(e as Error).message}`);
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data))
		throw new RenderInputError(`bad vars file "${file}": expected a JSON object of name → value`);
	return data as Record<string, unknown>;
}

function readChat(text: string, file: string): ChatMessageTemplate[] {
	let data: unknown;
	try {
		data = parseYaml(text);
	} catch (e) {
		throw new RenderInputError(`bad chat file "${file}": ${(e as Error).message}`);
	}
	if (!Array.isArray(data))
		throw new RenderInputError(
			`bad chat file "${file}": expected a list of {role, content} messages`
		);
	return data.map((m: unknown, i) => {
		const msg = m as { role?: unknown; content?: unknown } | null;
		if (!msg || !ROLES.includes(msg.role as ChatRole) || typeof msg.content !== 'string')
			throw new RenderInputError(
				`bad chat file "${file}": message ${i + 1} needs a role (${ROLES.join(', ')}) and a string content`
			);
		return { role: msg.role as ChatRole, content: msg.content };
	});
}

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
					? { messages: readChat(source, file), variables, options }
					: { template: source, variables, options }
			);
			for (const w of result.warnings) io.stderr(`warning: ${w.message}\n`);
			io.stdout(formatOutput(result, format));
			return 0;
		} catch (e) {
			if (e instanceof RenderInputError) {
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
