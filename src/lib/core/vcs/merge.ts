/** @module Three-way merge of prompt text (per hunk, with node-diff3) and chat messages. */
import { diff3Merge, diff3MergeRegions } from 'node-diff3';
import { PromptloomError } from '../model/errors';
import type { ChatMessage, PromptContent } from '../model/prompt';
import { canonicalize } from './canonical';

/** An ordered piece of a merge: text both sides agree on, or a hunk they changed differently. */
export type MergeChunk =
	| { kind: 'ok'; text: string }
	| { kind: 'conflict'; id: string; base: string; ours: string; theirs: string };

/** How one conflicting hunk is resolved: a side, both (ours then theirs), or hand-written text. */
export type TextResolution = 'ours' | 'theirs' | 'both' | { custom: string };

/** Splits text into lines that keep their `\n`, so joining them gives the text back exactly. */
export function splitLinesKeepEnds(text: string): string[] {
	return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Line-based three-way merge of `ours` and `theirs` against their common ancestor `base`. Hunks
 * changed the same way on both sides are not conflicts. Conflict ids are `${idPrefix}:${n}`.
 */
export function mergeText(
	base: string,
	ours: string,
	theirs: string,
	idPrefix = 'text'
): MergeChunk[] {
	if (ours === theirs || theirs === base) return okChunks(ours);
	if (ours === base) return okChunks(theirs);
	const regions = diff3Merge(
		splitLinesKeepEnds(ours),
		splitLinesKeepEnds(base),
		splitLinesKeepEnds(theirs),
		{ excludeFalseConflicts: true }
	);
	const chunks: MergeChunk[] = [];
	let n = 0;
	for (const r of regions) {
		if (r.ok) {
			const text = r.ok.join('');
			const last = chunks[chunks.length - 1];
			if (last?.kind === 'ok') last.text += text;
			else if (text) chunks.push({ kind: 'ok', text });
		} else if (r.conflict) {
			chunks.push({
				kind: 'conflict',
				id: `${idPrefix}:${n++}`,
				base: r.conflict.o.join(''),
				ours: r.conflict.a.join(''),
				theirs: r.conflict.b.join('')
			});
		}
	}
	return chunks;
}

const okChunks = (text: string): MergeChunk[] => (text ? [{ kind: 'ok', text }] : []);

export function hasConflicts(chunks: readonly MergeChunk[]): boolean {
	return chunks.some((c) => c.kind === 'conflict');
}

/** Text of one resolved hunk; `both` puts ours before theirs on separate lines. */
export function applyResolution(
	c: { ours: string; theirs: string },
	resolution: TextResolution
): string {
	if (resolution === 'ours') return c.ours;
	if (resolution === 'theirs') return c.theirs;
	if (resolution === 'both') {
		const sep = c.ours && c.theirs && !c.ours.endsWith('\n') ? '\n' : '';
		return c.ours + sep + c.theirs;
	}
	if (typeof resolution === 'object' && typeof resolution.custom === 'string') {
		return resolution.custom;
	}
	throw new PromptloomError('validation', `unknown resolution ${JSON.stringify(resolution)}`);
}

function requireResolution(
	resolutions: Readonly<Record<string, TextResolution>>,
	id: string
): TextResolution {
	const r = resolutions[id];
	if (r === undefined) {
		throw new PromptloomError('validation', `conflict ${id} is not resolved`, { path: id });
	}
	return r;
}

/** The merged text once every conflict has a resolution (throws `validation` for a missing one). */
export function resolveText(
	chunks: readonly MergeChunk[],
	resolutions: Readonly<Record<string, TextResolution>> = {}
): string {
	let out = '';
	for (const c of chunks) {
		out += c.kind === 'ok' ? c.text : applyResolution(c, requireResolution(resolutions, c.id));
	}
	return out;
}

/** A message of a merged chat: clean, or with per-hunk conflicts in its content. */
export type MessageMergeItem =
	| { kind: 'message'; role: ChatMessage['role']; chunks: MergeChunk[] }
	/**
	 * The two sides changed the same messages in incompatible ways (added/removed messages, or
	 * changed a role). Resolved as a whole: 'ours', 'theirs', 'both' (ours' messages then theirs'),
	 * or `{custom}`: one message with the custom text, with the role of the first message involved.
	 */
	| {
			kind: 'conflict';
			id: string;
			base: ChatMessage[];
			ours: ChatMessage[];
			theirs: ChatMessage[];
	  };

/** The content part of a merge; `text` is used for text prompts, `messages` for chat prompts. */
export interface ContentMerge {
	type: PromptContent['type'];
	text: MergeChunk[];
	messages: MessageMergeItem[];
}

const sameValue = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);

const cleanMessages = (ms: readonly ChatMessage[]): MessageMergeItem[] =>
	ms.map((m) => ({ kind: 'message', role: m.role, chunks: okChunks(m.content) }));

function clean(c: PromptContent): ContentMerge {
	return {
		type: c.type,
		text: c.type === 'text' ? okChunks(c.content) : [],
		messages: c.type === 'chat' ? cleanMessages(c.messages) : []
	};
}

/**
 * Three-way merge of prompt content. Text prompts merge per line hunk; chat prompts are aligned
 * per message (node-diff3 on whole messages) and a message edited on both sides merges per hunk.
 * Throws a `merge` error when the two sides turned the prompt into different types.
 */
export function mergeContent(
	base: PromptContent,
	ours: PromptContent,
	theirs: PromptContent
): ContentMerge {
	if (sameValue(ours, theirs) || sameValue(theirs, base)) return clean(ours);
	if (sameValue(ours, base)) return clean(theirs);
	if (ours.type !== theirs.type) {
		throw new PromptloomError(
			'merge',
			`cannot merge: one side made this a ${ours.type} prompt and the other a ${theirs.type} prompt`
		);
	}
	if (ours.type === 'text') {
		return {
			type: 'text',
			text: mergeText(base.content, ours.content, theirs.content),
			messages: []
		};
	}
	const baseMessages = base.type === 'chat' ? base.messages : [];
	return {
		type: 'chat',
		text: [],
		messages: mergeMessages(baseMessages, ours.messages, theirs.messages)
	};
}

function mergeMessages(
	base: ChatMessage[],
	ours: ChatMessage[],
	theirs: ChatMessage[]
): MessageMergeItem[] {
	const key = (m: ChatMessage) => canonicalize(m);
	const regions = diff3MergeRegions(ours.map(key), base.map(key), theirs.map(key));
	const sources = { a: ours, o: base, b: theirs };
	const items: MessageMergeItem[] = [];
	let listConflicts = 0;
	for (const r of regions) {
		if (r.stable) {
			const from = sources[r.buffer].slice(r.bufferStart, r.bufferStart + r.bufferLength);
			items.push(...cleanMessages(from));
			continue;
		}
		const a = ours.slice(r.aStart, r.aStart + r.aLength);
		const o = base.slice(r.oStart, r.oStart + r.oLength);
		const b = theirs.slice(r.bStart, r.bStart + r.bLength);
		if (sameValue(a, b) || sameValue(b, o)) items.push(...cleanMessages(a));
		else if (sameValue(a, o)) items.push(...cleanMessages(b));
		else if (
			a.length === o.length &&
			b.length === o.length &&
			a.every((m, i) => m.role === o[i].role && b[i].role === m.role)
		) {
			for (let i = 0; i < a.length; i++) {
				const index = items.length;
				items.push({
					kind: 'message',
					role: a[i].role,
					chunks: mergeText(o[i].content, a[i].content, b[i].content, `messages[${index}]`)
				});
			}
		} else {
			items.push({
				kind: 'conflict',
				id: `messages:${listConflicts++}`,
				base: o,
				ours: a,
				theirs: b
			});
		}
	}
	return items;
}

/** A conflict to show in the resolution view, whatever its place in the prompt. */
export interface TextConflict {
	id: string;
	/** Where it is, e.g. `text` or `message 2 (user)`. */
	location: string;
	base: string;
	ours: string;
	theirs: string;
}

const messagesText = (ms: readonly ChatMessage[]) =>
	ms.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');

/** Every unresolved text conflict of a content merge, in document order. */
export function listContentConflicts(merge: ContentMerge): TextConflict[] {
	const out: TextConflict[] = [];
	const entry = (c: Extract<MergeChunk, { kind: 'conflict' }>, location: string): TextConflict => ({
		id: c.id,
		location,
		base: c.base,
		ours: c.ours,
		theirs: c.theirs
	});
	for (const c of merge.text) if (c.kind === 'conflict') out.push(entry(c, 'text'));
	merge.messages.forEach((item, i) => {
		if (item.kind === 'conflict') {
			out.push({
				id: item.id,
				location: `messages ${i + 1}`,
				base: messagesText(item.base),
				ours: messagesText(item.ours),
				theirs: messagesText(item.theirs)
			});
			return;
		}
		for (const c of item.chunks) {
			if (c.kind === 'conflict') out.push(entry(c, `message ${i + 1} (${item.role})`));
		}
	});
	return out;
}

/** The merged content once every conflict has a resolution (throws `validation` otherwise). */
export function resolveContent(
	merge: ContentMerge,
	resolutions: Readonly<Record<string, TextResolution>> = {}
): PromptContent {
	if (merge.type === 'text') {
		return { type: 'text', content: resolveText(merge.text, resolutions), messages: [] };
	}
	const messages: ChatMessage[] = [];
	for (const item of merge.messages) {
		if (item.kind === 'message') {
			messages.push({ role: item.role, content: resolveText(item.chunks, resolutions) });
			continue;
		}
		const r = requireResolution(resolutions, item.id);
		if (r === 'ours') messages.push(...item.ours);
		else if (r === 'theirs') messages.push(...item.theirs);
		else if (r === 'both') messages.push(...item.ours, ...item.theirs);
		else {
			const role = (item.ours[0] ?? item.theirs[0] ?? item.base[0])?.role ?? 'user';
			messages.push({ role, content: applyResolution({ ours: '', theirs: '' }, r) });
		}
	}
	return { type: 'chat', content: '', messages };
}
