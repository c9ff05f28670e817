/**
 * @module Langfuse prompt JSON, as Langfuse's prompt API returns it (one prompt version, a list of
 * them, or `{data: […]}`), read into a library with its history (versions along main, labels), and
 * written back: one file per prompt holding its versions along main. Text and chat prompts, config
 * (`model`, `temperature`, `max_tokens`, the rest as parameters), labels and tags. Langfuse names
 * with `/` are folders.
 */
import { parseDocument } from 'yaml';
import { findJsonSyntaxError } from '../io/json-syntax';
import { createLibraryFile, type LibraryFile } from '../io/library-schema';
import { newId as randomId, SLUG_PATTERN, slugify } from '../model/ids';
import {
	promptSchema,
	type ChatMessage,
	type Folder,
	type Prompt,
	type PromptContent,
	type PromptMetadata
} from '../model/prompt';
import type { Branch, Label, Version } from '../model/version';
import { checkTemplate } from '../template/lint';
import { computeVersionId } from '../vcs/canonical';
import { MAIN_BRANCH } from '../vcs/service';
import { fmIssue, type FrontMatter } from './front-matter';
import { issueAt, type FileIssue } from './issues';
import { folderPaths } from './prompty-folder';

/** A prompt version as Langfuse's API returns it. */
export interface LangfusePromptJson {
	id?: string;
	name: string;
	version: number;
	type: 'text' | 'chat';
	prompt: string | Array<{ role: string; content: string; type?: 'chatmessage' }>;
	config: Record<string, unknown>;
	labels: string[];
	tags: string[];
	commitMessage?: string | null;
	createdAt?: string;
	updatedAt?: string;
	createdBy?: string;
}

/** What a version needs to be shown as a Langfuse prompt. */
export interface LangfuseVersionSource {
	content: PromptContent;
	metadata: PromptMetadata;
	id: string;
	message: string;
	author: string;
	createdAt: number;
}

/** Version `v` as Langfuse's prompt API returns it (`version`: its number along main). */
export function versionToLangfuse(
	v: LangfuseVersionSource,
	name: string,
	version: number,
	labels: string[]
) {
	const at = new Date(v.createdAt).toISOString();
	return {
		id: v.id,
		name,
		version,
		type: v.content.type,
		prompt:
			v.content.type === 'text'
				? v.content.content
				: v.content.messages.map((m) => ({
						role: m.role,
						content: m.content,
						type: 'chatmessage' as const
					})),
		config: toLangfuseConfig(v.metadata.modelConfig),
		labels,
		tags: v.metadata.tags,
		commitMessage: v.message || null,
		createdAt: at,
		updatedAt: at,
		createdBy: v.author
	};
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** A model configuration as a Langfuse `config` (`max_tokens` as OpenAI names it). */
export function toLangfuseConfig(c: Prompt['modelConfig']): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(c.params)) if (k !== '__proto__') out[k] = v;
	if (c.model) out.model = c.model;
	if (c.temperature !== undefined) out.temperature = c.temperature;
	if (c.maxTokens !== undefined) out.max_tokens = c.maxTokens;
	return out;
}

export interface LangfuseReadOptions {
	fileName: string;
	now?: number;
	newId?: () => string;
}

export type LangfuseResult =
	{ ok: true; library: LibraryFile; issues: FileIssue[] } | { ok: false; issues: FileIssue[] };

interface Entry {
	value: LangfusePromptJson;
	path: Array<string | number>;
}

/** The prompt versions a Langfuse JSON document holds, with their JSON paths. */
function entriesOf(data: unknown, fm: FrontMatter, issues: FileIssue[]): Entry[] {
	let list: unknown[];
	let base: Array<string | number>;
	if (Array.isArray(data)) [list, base] = [data, []];
	else if (isRecord(data) && Array.isArray(data.data)) [list, base] = [data.data, ['data']];
	else if (isRecord(data)) [list, base] = [[data], []];
	else {
		issues.push(
			fmIssue(
				fm,
				[],
				'error',
				'expected a Langfuse prompt (an object), a list of them, or {"data": [...]}'
			)
		);
		return [];
	}
	const out: Entry[] = [];
	list.forEach((item, i) => {
		const path = Array.isArray(data) || base.length ? [...base, i] : [];
		if (!isRecord(item)) {
			issues.push(fmIssue(fm, path, 'error', 'expected a prompt object'));
			return;
		}
		if (item.prompt === undefined && Array.isArray(item.versions)) {
			issues.push(
				fmIssue(
					fm,
					path,
					'error',
					`"${String(item.name)}" is an entry of Langfuse's prompt list (names and versions only, no text): export each prompt with GET /api/public/v2/prompts/{name}?version=N`
				)
			);
			return;
		}
		const need = (key: string, ok: boolean, what: string) => {
			if (!ok)
				issues.push(
					fmIssue(fm, item[key] === undefined ? path : [...path, key], 'error', `${key}: ${what}`)
				);
			return ok;
		};
		const valid =
			need(
				'name',
				typeof item.name === 'string' && item.name.length > 0,
				'a non-empty text is required'
			) &&
			need(
				'type',
				item.type === undefined || item.type === 'text' || item.type === 'chat',
				'must be "text" or "chat"'
			) &&
			need(
				'version',
				item.version === undefined ||
					(Number.isInteger(item.version) && (item.version as number) > 0),
				'must be a positive whole number'
			) &&
			need(
				'prompt',
				typeof item.prompt === 'string' || Array.isArray(item.prompt),
				'must be a text (text prompt) or a list of messages (chat prompt)'
			) &&
			need(
				'config',
				item.config === undefined || item.config === null || isRecord(item.config),
				'must be an object'
			) &&
			need(
				'labels',
				item.labels === undefined ||
					(Array.isArray(item.labels) && item.labels.every((l) => typeof l === 'string')),
				'must be a list of texts'
			) &&
			need(
				'tags',
				item.tags === undefined ||
					(Array.isArray(item.tags) && item.tags.every((l) => typeof l === 'string')),
				'must be a list of texts'
			);
		if (!valid) return;
		out.push({
			path,
			value: {
				...(item as unknown as LangfusePromptJson),
				type:
					(item.type as 'text' | 'chat' | undefined) ??
					(typeof item.prompt === 'string' ? 'text' : 'chat'),
				version: (item.version as number | undefined) ?? 1,
				config: (item.config as Record<string, unknown> | null) ?? {},
				labels: (item.labels as string[] | undefined) ?? [],
				tags: (item.tags as string[] | undefined) ?? []
			}
		});
	});
	return out;
}

function readConfig(entry: Entry, fm: FrontMatter, issues: FileIssue[]): Prompt['modelConfig'] {
	const { model, temperature, max_tokens, maxTokens, ...rest } = entry.value.config;
	const at = (k: string) => [...entry.path, 'config', k];
	const out: Prompt['modelConfig'] = { model: '', params: {} };
	for (const [k, v] of Object.entries(rest)) if (k !== '__proto__') out.params[k] = v;
	if (model !== undefined) {
		if (typeof model === 'string') out.model = model;
		else issues.push(fmIssue(fm, at('model'), 'error', 'config.model must be a text'));
	}
	if (temperature !== undefined) {
		if (typeof temperature === 'number' && temperature >= 0 && temperature <= 2)
			out.temperature = temperature;
		else
			issues.push(
				fmIssue(fm, at('temperature'), 'error', 'config.temperature must be a number from 0 to 2')
			);
	}
	const tokens = max_tokens ?? maxTokens;
	if (tokens !== undefined) {
		if (typeof tokens === 'number' && Number.isInteger(tokens) && tokens > 0)
			out.maxTokens = tokens;
		else
			issues.push(
				fmIssue(
					fm,
					at(max_tokens !== undefined ? 'max_tokens' : 'maxTokens'),
					'error',
					'config.max_tokens must be a positive whole number'
				)
			);
	}
	return out;
}

function readContent(entry: Entry, fm: FrontMatter, issues: FileIssue[]): PromptContent | null {
	const v = entry.value;
	const check = (source: string, path: Array<string | number>) => {
		const d = checkTemplate(source);
		if (d) issues.push(fmIssue(fm, path, 'error', `template: ${d.message}`));
	};
	if (v.type === 'text') {
		if (typeof v.prompt !== 'string') {
			issues.push(
				fmIssue(fm, [...entry.path, 'prompt'], 'error', 'a text prompt has a text as its prompt')
			);
			return null;
		}
		check(v.prompt, [...entry.path, 'prompt']);
		return { type: 'text', content: v.prompt, messages: [] };
	}
	if (!Array.isArray(v.prompt)) {
		issues.push(
			fmIssue(
				fm,
				[...entry.path, 'prompt'],
				'error',
				'a chat prompt has a list of messages as its prompt'
			)
		);
		return null;
	}
	const messages: ChatMessage[] = [];
	v.prompt.forEach((m: unknown, i) => {
		const path = [...entry.path, 'prompt', i];
		if (!isRecord(m))
			return void issues.push(fmIssue(fm, path, 'error', 'a message is an object {role, content}'));
		if (m.type === 'placeholder')
			return void issues.push(
				fmIssue(
					fm,
					path,
					'error',
					`message placeholder "${String(m.name)}" has no Promptloom equivalent (insert the messages into the prompt)`
				)
			);
		if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant')
			return void issues.push(
				fmIssue(
					fm,
					[...path, 'role'],
					'error',
					`role ${JSON.stringify(m.role)} is not supported: system, user or assistant`
				)
			);
		if (typeof m.content !== 'string')
			return void issues.push(fmIssue(fm, [...path, 'content'], 'error', 'content must be a text'));
		check(m.content, [...path, 'content']);
		messages.push({ role: m.role, content: m.content });
	});
	return { type: 'chat', content: '', messages };
}

/** Folder names and the prompt name of a Langfuse name such as `support/billing/refund`. */
function splitName(name: string): { folders: string[]; name: string } {
	const parts = name.split('/').filter((p) => p !== '');
	const last = parts.pop() ?? name;
	return { folders: parts, name: SLUG_PATTERN.test(last) ? last : slugify(last) };
}

const time = (iso: unknown, fallback: number) => {
	const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
	return Number.isNaN(t) ? fallback : t;
};

/**
 * Reads Langfuse prompt JSON into a library: each name becomes a prompt whose versions (in version
 * order) form its history on main, its labels point at their versions, and its working copy is
 * the newest version.
 */
export async function readLangfuse(
	text: string,
	options: LangfuseReadOptions
): Promise<LangfuseResult> {
	const issues: FileIssue[] = [];
	const syntax = findJsonSyntaxError(text);
	if (syntax) {
		issues.push(
			issueAt(text, syntax.offset, syntax.offset + 1, 'error', `not valid JSON: ${syntax.message}`)
		);
		return { ok: false, issues };
	}
	const data: unknown = JSON.parse(text);
	const doc = parseDocument(text, { uniqueKeys: false });
	const fm: FrontMatter = { data: {}, doc, text, offset: 0 };
	const entries = entriesOf(data, fm, issues);
	const now = options.now ?? Date.now();
	const newId = options.newId ?? randomId;
	const groups = new Map<string, Entry[]>();
	for (const e of entries) {
		const list = groups.get(e.value.name) ?? [];
		list.push(e);
		groups.set(e.value.name, list);
	}
	const folders: Folder[] = [];
	const folderAt = new Map<string, string>();
	const folderOf = (path: string[]): string | null => {
		let parent: string | null = null;
		for (let i = 0; i < path.length; i++) {
			const key = path.slice(0, i + 1).join('/');
			let id = folderAt.get(key);
			if (!id) {
				id = newId();
				folders.push({ id, name: path[i], parentId: parent, createdAt: now, updatedAt: now });
				folderAt.set(key, id);
			}
			parent = id;
		}
		return parent;
	};
	const prompts: Prompt[] = [];
	const versions: Version[] = [];
	const branches: Branch[] = [];
	const labels: Label[] = [];
	const names = new Map<string, string>();
	for (const [fullName, list] of groups) {
		list.sort((a, b) => a.value.version - b.value.version);
		const { folders: path, name } = splitName(fullName);
		if (name !== fullName.split('/').pop())
			issues.push(
				fmIssue(
					fm,
					[...list[0].path, 'name'],
					'warning',
					`"${fullName}" is imported as prompt "${name}" (prompt names are lowercase slugs)`
				)
			);
		const clash = names.get(name);
		if (clash) {
			issues.push(
				fmIssue(
					fm,
					[...list[0].path, 'name'],
					'error',
					`"${fullName}" and "${clash}" would both be prompt "${name}"`
				)
			);
			continue;
		}
		names.set(name, fullName);
		const promptId = newId();
		let parent: Version | null = null;
		const labelAt = new Map<string, string>();
		const seen = new Set<number>();
		for (const e of list) {
			if (seen.has(e.value.version))
				issues.push(
					fmIssue(
						fm,
						[...e.path, 'version'],
						'error',
						`"${fullName}" has version ${e.value.version} twice`
					)
				);
			seen.add(e.value.version);
			const content = readContent(e, fm, issues);
			const modelConfig = readConfig(e, fm, issues);
			if (!content) continue;
			const metadata: PromptMetadata = {
				modelConfig,
				tags: [...new Set(e.value.tags)],
				description: '',
				customFields: [],
				intent: '',
				templateOptions: { trimBlocks: false, lstripBlocks: false }
			};
			const parents = parent ? [parent.id] : [];
			const id = await computeVersionId({ promptId, content, metadata, parents });
			const created = time(e.value.createdAt, now);
			const version: Version = {
				id,
				promptId,
				parents,
				content,
				metadata,
				message: typeof e.value.commitMessage === 'string' ? e.value.commitMessage : '',
				author: typeof e.value.createdBy === 'string' ? e.value.createdBy : '',
				createdAt: created,
				branch: MAIN_BRANCH
			};
			versions.push(version);
			for (const l of e.value.labels) if (l !== 'latest') labelAt.set(l, id);
			parent = version;
		}
		if (!parent) continue;
		const head: Version = parent;
		const first = versions.find((v) => v.promptId === promptId)!;
		const candidate = {
			id: promptId,
			name,
			...head.content,
			...head.metadata,
			author: first.author,
			folderId: folderOf(path),
			projectId: null,
			createdAt: first.createdAt,
			updatedAt: head.createdAt,
			deletedAt: null
		};
		const parsed = promptSchema.safeParse(candidate);
		if (!parsed.success) {
			for (const i of parsed.error.issues)
				issues.push(
					fmIssue(
						fm,
						list[list.length - 1].path,
						'error',
						`${i.path.map(String).join('.')}: ${i.message}`
					)
				);
			continue;
		}
		prompts.push(parsed.data);
		branches.push({
			promptId,
			name: MAIN_BRANCH,
			head: head.id,
			createdAt: first.createdAt,
			createdBy: first.author
		});
		for (const [l, versionId] of labelAt)
			labels.push({ promptId, name: l, versionId, updatedAt: now, updatedBy: head.author });
	}
	if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
	return {
		ok: true,
		issues,
		library: createLibraryFile({
			exportedAt: new Date(now).toISOString(),
			prompts,
			folders,
			versions,
			branches,
			labels
		})
	};
}

/** Version ids of main of a prompt, oldest first (first parents from the head). */
export function mainChain(lib: LibraryFile, promptId: string): Version[] {
	const head = lib.branches.find((b) => b.promptId === promptId && b.name === MAIN_BRANCH)?.head;
	const byId = new Map(lib.versions.filter((v) => v.promptId === promptId).map((v) => [v.id, v]));
	const chain: Version[] = [];
	const seen = new Set<string>();
	for (let id = head; id && byId.has(id) && !seen.has(id); id = byId.get(id)!.parents[0]) {
		seen.add(id);
		chain.push(byId.get(id)!);
	}
	return chain.reverse();
}

export interface LangfuseExportFile {
	/** `<folder path>/<name>.json` */
	path: string;
	prompts: LangfusePromptJson[];
	/** Uncommitted working-copy changes left out, and the like. */
	warnings: string[];
}

/** Writes each live prompt of a library as Langfuse prompt JSON: its versions along main. */
export function writeLangfuse(lib: LibraryFile): LangfuseExportFile[] {
	const paths = folderPaths(lib.folders);
	const byId = new Map(lib.folders.map((f) => [f.id, f]));
	const folderName = (id: string | null): string[] => {
		const out: string[] = [];
		for (
			let f = id ? byId.get(id) : undefined;
			f;
			f = f.parentId ? byId.get(f.parentId) : undefined
		)
			out.unshift(f.name);
		return out;
	};
	const files: LangfuseExportFile[] = [];
	for (const p of lib.prompts) {
		if (p.deletedAt !== null) continue;
		const warnings: string[] = [];
		const name = [...folderName(p.folderId), p.name].join('/');
		const chain = mainChain(lib, p.id);
		const labelsOf = (id: string) =>
			lib.labels.filter((l) => l.promptId === p.id && l.versionId === id).map((l) => l.name);
		const toJson = (v: LangfuseVersionSource, n: number, last: boolean): LangfusePromptJson =>
			versionToLangfuse(v, name, n, [...labelsOf(v.id), ...(last ? ['latest'] : [])].sort());
		let versions: LangfusePromptJson[];
		if (chain.length === 0) {
			versions = [
				toJson(
					{
						content: { type: p.type, content: p.content, messages: p.messages },
						metadata: p,
						id: p.id,
						message: '',
						author: p.author,
						createdAt: p.updatedAt
					},
					1,
					true
				)
			];
		} else {
			versions = chain.map((v, i) => toJson(v, i + 1, i === chain.length - 1));
			const head = chain[chain.length - 1].content;
			if (
				head.content !== p.content ||
				JSON.stringify(head.messages) !== JSON.stringify(p.messages)
			)
				warnings.push(
					`${p.name}: changes not committed are not exported (Langfuse holds versions)`
				);
		}
		const dir = p.folderId ? (paths.get(p.folderId) ?? '') : '';
		files.push({ path: `${dir ? `${dir}/` : ''}${p.name}.json`, prompts: versions, warnings });
	}
	return files;
}
