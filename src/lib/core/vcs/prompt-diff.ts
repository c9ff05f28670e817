/** @module Whole-version comparison: text or per-message diffs plus metadata changes. */
import { promptText, type ChatMessage, type PromptContent } from '../model/prompt';
import type { Version } from '../model/version';
import { canonicalize } from './canonical';
import { diffMetadata, type MetadataChange } from './metadata';
import { diffLines, diffStringArrays, diffWords, type TextDiffPart } from './text-diff';
import { diffTokens, type TokenDiff } from './token-diff';

export type DiffGranularity = 'lines' | 'words' | 'tokens';

/** Diffs of one text at each requested granularity. */
export interface TextDiffs {
	lines?: TextDiffPart[];
	words?: TextDiffPart[];
	tokens?: TokenDiff;
}

export interface MessageDiff {
	status: 'equal' | 'changed' | 'added' | 'removed';
	/** 0-based positions on each side (absent on the side where the message does not exist). */
	indexA?: number;
	indexB?: number;
	roleA?: ChatMessage['role'];
	roleB?: ChatMessage['role'];
	diff: TextDiffs;
}

export interface PromptDiff {
	fromId: string;
	toId: string;
	/**
	 * `text`: both are text prompts, or their types differ (then each side's full text, chat
	 * messages joined with role headers, is compared). `chat`: per-message diffs in `messages`.
	 */
	mode: 'text' | 'chat';
	text?: TextDiffs;
	messages?: MessageDiff[];
	metadata: MetadataChange[];
	/** Token counts of the whole prompt (o200k_base) on each side. */
	tokensA: number;
	tokensB: number;
	tokenDelta: number;
}

const ALL: DiffGranularity[] = ['lines', 'words', 'tokens'];

function textDiffs(a: string, b: string, g: readonly DiffGranularity[]): TextDiffs {
	return {
		lines: g.includes('lines') ? diffLines(a, b) : undefined,
		words: g.includes('words') ? diffWords(a, b) : undefined,
		tokens: g.includes('tokens') ? diffTokens(a, b) : undefined
	};
}

/** Aligns messages (equal ones matched, a replaced block paired in order) and diffs each pair. */
export function diffMessages(
	a: readonly ChatMessage[],
	b: readonly ChatMessage[],
	granularity: readonly DiffGranularity[] = ALL
): MessageDiff[] {
	const out: MessageDiff[] = [];
	let ia = 0;
	let ib = 0;
	let removed: number[] = [];
	let added: number[] = [];
	const flush = () => {
		const n = Math.max(removed.length, added.length);
		for (let k = 0; k < n; k++) {
			const x = removed[k];
			const y = added[k];
			const ma = x === undefined ? undefined : a[x];
			const mb = y === undefined ? undefined : b[y];
			out.push({
				status: ma && mb ? 'changed' : ma ? 'removed' : 'added',
				indexA: x,
				indexB: y,
				roleA: ma?.role,
				roleB: mb?.role,
				diff: textDiffs(ma?.content ?? '', mb?.content ?? '', granularity)
			});
		}
		removed = [];
		added = [];
	};
	const key = (m: ChatMessage) => canonicalize(m);
	for (const c of diffStringArrays(a.map(key), b.map(key))) {
		for (let k = 0; k < c.items.length; k++) {
			if (c.op === 'delete') removed.push(ia++);
			else if (c.op === 'insert') added.push(ib++);
			else {
				flush();
				const m = a[ia];
				out.push({
					status: 'equal',
					indexA: ia++,
					indexB: ib++,
					roleA: m.role,
					roleB: m.role,
					diff: textDiffs(m.content, m.content, granularity)
				});
			}
		}
	}
	flush();
	return out;
}

function wholeText(c: PromptContent): string {
	return promptText(c);
}

/**
 * Compares two versions (or any two snapshots) at the requested granularities. Counts tokens, so
 * call it only after `await loadTokenizer()` (from ./token-diff); throws otherwise.
 */
export function diffPrompts(
	vA: Pick<Version, 'id' | 'content' | 'metadata'>,
	vB: Pick<Version, 'id' | 'content' | 'metadata'>,
	granularity: readonly DiffGranularity[] = ALL
): PromptDiff {
	const totals = diffTokens(wholeText(vA.content), wholeText(vB.content));
	const common = {
		fromId: vA.id,
		toId: vB.id,
		metadata: diffMetadata(vA.metadata, vB.metadata),
		tokensA: totals.tokensA,
		tokensB: totals.tokensB,
		tokenDelta: totals.delta
	};
	if (vA.content.type === 'chat' && vB.content.type === 'chat') {
		return {
			...common,
			mode: 'chat',
			messages: diffMessages(vA.content.messages, vB.content.messages, granularity)
		};
	}
	const a = wholeText(vA.content);
	const b = wholeText(vB.content);
	const text = textDiffs(
		a,
		b,
		granularity.filter((g) => g !== 'tokens')
	);
	if (granularity.includes('tokens')) text.tokens = totals;
	return { ...common, mode: 'text', text };
}
