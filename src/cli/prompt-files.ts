/** @module Reading the prompt, vars and chat files the CLI commands take, with specific errors. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROLES, type ChatRole } from '../lib/core/model/prompt';
import type { ChatMessageTemplate } from '../lib/core/template/types';
import type { CliIO } from './types';

/** A file the user named is missing or malformed (commands exit 1 with its message). */
export class InputError extends Error {}

/** Why a file could not be read: words for the usual causes, else the system's message. */
export function unreadableReason(e: unknown): string {
	const code = (e as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such file';
	if (code === 'EISDIR') return 'it is a directory';
	if (code === 'EACCES') return 'permission denied';
	return e instanceof Error ? e.message : String(e);
}

export async function readText(io: CliIO, file: string, what: string): Promise<string> {
	try {
		return await readFile(resolve(io.cwd, file), 'utf8');
	} catch (e) {
		throw new InputError(`cannot read ${what} "${file}": ${unreadableReason(e)}`);
	}
}

/** A `--vars` file: a JSON object of variable name → value. */
export async function readVars(io: CliIO, file: string): Promise<Record<string, unknown>> {
	const text = await readText(io, file, 'vars file');
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new InputError(`bad vars file "${file}": ${(e as Error).message}`);
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data))
		throw new InputError(`bad vars file "${file}": expected a JSON object of name → value`);
	return data as Record<string, unknown>;
}

/** A `--chat` file: a JSON or YAML list of `{role, content}` messages (contents are templates). */
export function parseChatFile(text: string, file: string): ChatMessageTemplate[] {
	let data: unknown;
	try {
		data = parseYaml(text, { maxAliasCount: 100 });
	} catch (e) {
		throw new InputError(`bad chat file "${file}": ${(e as Error).message}`);
	}
	if (!Array.isArray(data) || data.length === 0)
		throw new InputError(`bad chat file "${file}": expected a list of {role, content} messages`);
	return data.map((m: unknown, i) => {
		const msg = m as { role?: unknown; content?: unknown } | null;
		if (!msg || !ROLES.includes(msg.role as ChatRole) || typeof msg.content !== 'string')
			throw new InputError(
				`bad chat file "${file}": message ${i + 1} needs a role (${ROLES.join(', ')}) and a string content`
			);
		return { role: msg.role as ChatRole, content: msg.content };
	});
}
