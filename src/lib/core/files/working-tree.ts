/**
 * @module A folder of prompt files kept in step with a workspace (`promptloom pull/push`): the
 * file text of a prompt at a version, what counts as a change, and the three-way merge of a file
 * with Git-style conflict markers, using the app's merge ({@link mergeText}).
 */
import type { Prompt, PromptContent, PromptMetadata } from '../model/prompt';
import type { Version } from '../model/version';
import { canonicalize } from '../util/crypto';
import { mergeText, type MergeChunk } from '../vcs/merge';
import { writePrompty } from './prompty';

/** The prompt as it is at `version` (its working copy when null): content and metadata of the version. */
export function promptAt(prompt: Prompt, version: Version | null): Prompt {
	if (!version) return prompt;
	return { ...prompt, ...version.content, ...version.metadata };
}

/**
 * The text of a pulled file: the prompt at its version, without ids and times (they change on
 * every save). Deterministic, so it is also the merge base of later pulls and pushes.
 */
export function pulledText(prompt: Prompt, version: Version | null): string {
	return writePrompty(promptAt(prompt, version), { identity: false });
}

/** What a version records of a prompt (what a commit would change). */
export function snapshotOf(p: Pick<Prompt, keyof PromptContent | keyof PromptMetadata>) {
	return {
		content: { type: p.type, content: p.content, messages: p.messages } as PromptContent,
		metadata: {
			modelConfig: p.modelConfig,
			tags: p.tags,
			description: p.description,
			customFields: p.customFields,
			intent: p.intent,
			templateOptions: p.templateOptions
		} as PromptMetadata
	};
}

/** Whether two prompts would commit the same snapshot. */
export function sameSnapshotOf(
	a: Pick<Prompt, keyof PromptContent | keyof PromptMetadata>,
	b: Pick<Prompt, keyof PromptContent | keyof PromptMetadata>
): boolean {
	return canonicalize(snapshotOf(a)) === canonicalize(snapshotOf(b));
}

/** Metadata fields two snapshots differ in. */
export function changedFields(a: Prompt, b: Prompt): Array<keyof PromptMetadata | 'content'> {
	const sa = snapshotOf(a);
	const sb = snapshotOf(b);
	const out: Array<keyof PromptMetadata | 'content'> = [];
	if (canonicalize(sa.content) !== canonicalize(sb.content)) out.push('content');
	for (const k of Object.keys(sa.metadata) as Array<keyof PromptMetadata>)
		if (canonicalize(sa.metadata[k]) !== canonicalize(sb.metadata[k])) out.push(k);
	return out;
}

export const CONFLICT_START = '<<<<<<< local';
export const CONFLICT_MIDDLE = '=======';
export const CONFLICT_END = '>>>>>>> remote';

/** Line numbers (1-based) of conflict markers left in a file, if any. */
export function conflictMarkerLines(text: string): number[] {
	const out: number[] = [];
	text.split('\n').forEach((line, i) => {
		if (/^(<<<<<<< |=======\r?$|>>>>>>> )/.test(line)) out.push(i + 1);
	});
	return out;
}

export type FileMerge =
	| { clean: true; text: string }
	| { clean: false; text: string; conflicts: number; lines: number[] };

/**
 * Three-way merge of a prompt file: `base` as last pulled, `local` the file now, `remote` the
 * text of the remote version. Conflicting hunks are written with Git's markers
 * (`<<<<<<< local`, `=======`, `>>>>>>> remote (<label>)`).
 */
export function mergeFile(
	base: string,
	local: string,
	remote: string,
	remoteLabel: string
): FileMerge {
	const chunks: MergeChunk[] = mergeText(base, local, remote, 'file');
	let text = '';
	let conflicts = 0;
	const lines: number[] = [];
	const nl = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
	for (const c of chunks) {
		if (c.kind === 'ok') {
			text += c.text;
			continue;
		}
		conflicts++;
		if (text !== '' && !text.endsWith('\n')) text += '\n';
		lines.push(text.split('\n').length);
		text += `${CONFLICT_START}\n${nl(c.ours)}${CONFLICT_MIDDLE}\n${nl(c.theirs)}${CONFLICT_END} (${remoteLabel})\n`;
	}
	return conflicts ? { clean: false, text, conflicts, lines } : { clean: true, text };
}
