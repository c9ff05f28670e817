/**
 * @module promptfoo `prompts`: inline text, `file://` text and chat files, `{id, label, raw}`
 * objects, and chat JSON files that are themselves templates (rendered first, then parsed).
 */
import type { EvalMessage } from '../types';
import { Context, extOf, fail, isObject, parseYaml, tableRows } from './parse-util';

/** One part of a multimodal message (OpenAI's shape: `text`, `image_url`, `input_audio`…). */
export type ContentPart = Record<string, unknown> & { type: string };

export interface PromptfooPrompt {
	id: string;
	label: string;
	/** The template text (for chat prompts, the JSON of the messages). */
	raw: string;
	/** Chat messages whose contents are templates; null for a plain text prompt. */
	messages: EvalMessage[] | null;
	/**
	 * True when `raw` is a template whose rendered text is a JSON list of messages (promptfoo
	 * renders a chat file before parsing it, so it may loop over `messages`).
	 */
	jsonTemplate?: boolean;
}

const PROMPT_KEYS = ['id', 'label', 'raw'];
const TEMPLATE_TAG = /\{%|\{\{/;

/**
 * Inside template tags, nunjucks' `dump` filter becomes Jinja's `tojson` and JavaScript's
 * `list.length` becomes `(list | length)`; the rest of the syntax our engine shares.
 */
export function fromNunjucks(template: string): string {
	return template.replace(
		/(\{\{|\{%)([\s\S]*?)(\}\}|%\})/g,
		(_m, open: string, body: string, close: string) =>
			open +
			body
				.replace(/\|\s*dump\b/g, '| tojson')
				.replace(/([A-Za-z_][\w.]*(?:\[[^\]]*\])*)\.length\b/g, '($1 | length)') +
			close
	);
}

/** Part types a model can be sent besides text (OpenAI's names). */
const ATTACHMENT_TYPES = new Set(['image_url', 'input_audio', 'file']);

/**
 * A message's content: text, or multimodal parts: the text parts joined by newlines become the
 * content, images and audio its attachments (sent after the text).
 */
function contentOf(content: unknown, path: string): Pick<EvalMessage, 'content' | 'attachments'> {
	if (typeof content === 'string') return { content };
	if (Array.isArray(content) && content.every((p) => isObject(p) && typeof p.type === 'string')) {
		const parts = content as ContentPart[];
		const other = parts.find((p) => p.type !== 'text' && !ATTACHMENT_TYPES.has(p.type));
		if (other) throw fail(path, `"${other.type}" content parts are not supported`);
		const text = parts.filter((p) => p.type === 'text').map((p) => String(p.text ?? ''));
		const attachments = parts.filter((p) => p.type !== 'text');
		return { content: text.join('\n'), ...(attachments.length ? { attachments } : {}) };
	}
	throw fail(path, 'a message content must be text or a list of content parts');
}

export function asMessages(value: unknown, path: string): EvalMessage[] {
	if (!Array.isArray(value) || !value.every((m) => isObject(m) && typeof m.role === 'string'))
		throw fail(path, 'a chat prompt must be a list of {role, content} messages');
	return value.map((m: Record<string, unknown>, i) => ({
		role: m.role as string,
		...contentOf(m.content, `${path}[${i}].content`)
	}));
}

/** An inline prompt that is a JSON list of messages is a chat prompt (as in promptfoo). */
function inlinePrompt(raw: string, id: string, label: string | undefined): PromptfooPrompt {
	const t = raw.trim();
	const text = fromNunjucks(raw);
	if (t.startsWith('[')) {
		try {
			const messages = asMessages(JSON.parse(t), id);
			return { id, label: label ?? id, raw: text, messages: messages.map(nunjucksMessage) };
		} catch {
			if (TEMPLATE_TAG.test(t))
				return { id, label: label ?? id, raw: text, messages: null, jsonTemplate: true };
		}
	}
	return {
		id,
		label: label ?? (raw.length > 50 ? `${raw.slice(0, 50)}…` : raw),
		raw: text,
		messages: null
	};
}

const nunjucksMessage = (m: EvalMessage): EvalMessage => ({
	...m,
	content: fromNunjucks(m.content)
});

async function filePrompts(
	ctx: Context,
	ref: string,
	label: string | undefined,
	path: string
): Promise<PromptfooPrompt[]> {
	if (/\.(js|cjs|mjs|ts|py)(:[\w.]+)?$/i.test(ref))
		throw fail(
			path,
			`${ref}: prompt functions are not supported (they would run code outside the sandbox); use a template file`
		);
	const text = await ctx.file(ref, path);
	const ext = extOf(ref);
	if (ext === 'json' || ext === 'yaml' || ext === 'yml') {
		let data: unknown;
		try {
			data = ext === 'json' ? JSON.parse(text) : parseYaml(text, ref);
		} catch (e) {
			if (ext === 'json' && TEMPLATE_TAG.test(text))
				return [
					{
						id: ref,
						label: label ?? ref,
						raw: fromNunjucks(text),
						messages: null,
						jsonTemplate: true
					}
				];
			throw fail(path, `${ref}: ${(e as Error).message}`);
		}
		// A list of prompts (strings or {id, label, raw}) rather than of chat messages.
		if (
			Array.isArray(data) &&
			data.length > 0 &&
			data.every((x) => typeof x === 'string' || (isObject(x) && !('role' in x)))
		)
			return (await parsePrompts(ctx, data, `${path} (${ref})`)).map((p) =>
				/^prompt-\d+$/.test(p.id) ? { ...p, id: `${ref}#${p.id}` } : p
			);
		const messages = asMessages(data, `${path} (${ref})`).map(nunjucksMessage);
		return [{ id: ref, label: label ?? ref, raw: JSON.stringify(messages), messages }];
	}
	if (ext === 'csv') {
		// promptfoo's prompt CSV: a `prompt` column (else the first) and an optional `label`.
		const rows = await tableRows(ctx, ref, path);
		return rows.map((row, i) => {
			const raw = String(row.prompt ?? Object.values(row)[0] ?? '');
			const lbl =
				typeof row.label === 'string' && row.label ? row.label : `${label ?? ref}#${i + 1}`;
			return { id: `${ref}#${i + 1}`, label: lbl, raw: fromNunjucks(raw), messages: null };
		});
	}
	if (ext === 'jsonl') {
		const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
		return lines.map((line, i) => {
			let data: unknown;
			try {
				data = JSON.parse(line);
			} catch (e) {
				throw fail(path, `${ref} line ${i + 1}: ${(e as Error).message}`);
			}
			const messages = asMessages(data, `${path} (${ref} line ${i + 1})`).map(nunjucksMessage);
			const id = lines.length > 1 ? `${ref}#${i + 1}` : ref;
			const lbl = label ? (lines.length > 1 ? `${label} #${i + 1}` : label) : id;
			return { id, label: lbl, raw: JSON.stringify(messages), messages };
		});
	}
	if (!['txt', 'md', 'j2', 'jinja', 'jinja2', 'njk', 'prompt', 'tmpl', ''].includes(ext)) {
		throw fail(
			path,
			`prompt files of type .${ext} are not supported (use .txt, .md, .j2, .njk, .json, .jsonl or .yaml)`
		);
	}
	const parts = text
		.split(/^---$/m)
		.map((p) => p.trim())
		.filter((p) => p !== '');
	return parts.map((raw, i) => {
		const id = parts.length > 1 ? `${ref}#${i + 1}` : ref;
		const lbl = label ? (parts.length > 1 ? `${label} #${i + 1}` : label) : id;
		return { id, label: lbl, raw: fromNunjucks(raw), messages: null };
	});
}

/** Parses `prompts` (a string, a list, or a map of file → label). */
export async function parsePrompts(
	ctx: Context,
	value: unknown,
	where = 'prompts'
): Promise<PromptfooPrompt[]> {
	if (value === undefined) throw fail('prompts', 'the config has no prompts');
	const entries: { item: unknown; label?: string; path: string }[] = [];
	if (typeof value === 'string') entries.push({ item: value, path: where });
	else if (Array.isArray(value))
		value.forEach((item, i) => entries.push({ item, path: `${where}[${i}]` }));
	else if (isObject(value)) {
		for (const [ref, label] of Object.entries(value))
			entries.push({ item: ref, label: String(label), path: `prompts.${ref}` });
	} else throw fail('prompts', 'expected a string, a list or a map');
	const out: PromptfooPrompt[] = [];
	for (const [i, { item, label, path }] of entries.entries()) {
		if (typeof item === 'string') {
			if (item.startsWith('file://'))
				for (const ref of await ctx.expand(item, path))
					out.push(...(await filePrompts(ctx, ref, label, path)));
			else out.push(inlinePrompt(item, `prompt-${i + 1}`, label));
		} else if (isObject(item)) {
			ctx.keys(item, PROMPT_KEYS, path);
			const lbl = typeof item.label === 'string' ? item.label : undefined;
			if (typeof item.raw === 'string')
				out.push(
					inlinePrompt(item.raw, typeof item.id === 'string' ? item.id : `prompt-${i + 1}`, lbl)
				);
			else if (typeof item.id === 'string' && item.id.startsWith('file://'))
				out.push(...(await filePrompts(ctx, item.id, lbl, path)));
			else throw fail(path, 'a prompt object needs "raw" text or a file:// "id"');
		} else throw fail(path, 'expected a prompt string or object');
	}
	if (out.length === 0) throw fail('prompts', 'the config has no prompts');
	const ids = out.map((p) => p.id);
	const dup = ids.find((id, i) => ids.indexOf(id) !== i);
	if (dup) throw fail(where, `two prompts have the id "${dup}": give them distinct ids`);
	return out;
}

/** Whether a provider's `prompts` filter (labels or ids) selects this prompt. */
export function promptSelected(p: PromptfooPrompt, filter: readonly string[] | undefined): boolean {
	if (!filter) return true;
	return filter.some(
		(f) => f === p.label || f === p.id || (f.endsWith('*') && p.label.startsWith(f.slice(0, -1)))
	);
}
