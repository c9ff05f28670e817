/** @module Canonical serialization and content-addressed version ids (SHA-256 via WebCrypto). */
import { canonicalize, sha256Hex } from '../util/crypto';
import type { PromptContent, PromptMetadata } from '../model/prompt';
import type { Version } from '../model/version';

export { canonicalize, sha256Hex } from '../util/crypto';

/** What a version id is computed from. Message, author, time and branch are deliberately left out. */
export interface VersionIdInput {
	/**
	 * The prompt the version belongs to. Included so two prompts with identical content (e.g. a
	 * duplicate) never share a version id; the same commit of the same prompt on two devices still
	 * gets the same id.
	 */
	promptId: string;
	content: PromptContent;
	metadata: PromptMetadata;
	/**
	 * Parent ids in their recorded order, NOT sorted: the first parent is the branch the commit was
	 * made on (the merge target), the second the merged branch. Swapping them is a different commit.
	 */
	parents: readonly string[];
}

/** Version of the hashed envelope; bump if the canonical form ever changes. */
const ID_FORMAT = 1;

/** SHA-256 hex of the canonical serialization of prompt id, content, metadata and parents. */
export function computeVersionId(input: VersionIdInput): Promise<string> {
	return sha256Hex(
		canonicalize({
			format: ID_FORMAT,
			promptId: input.promptId,
			content: input.content,
			metadata: input.metadata,
			parents: input.parents
		})
	);
}

/** True when the version's id matches its content: false means it was tampered with or corrupted. */
export async function verifyVersion(v: Version): Promise<boolean> {
	try {
		const id = await computeVersionId(v);
		return id === v.id;
	} catch {
		return false;
	}
}

/** True when two snapshots hash the same (same content and metadata after canonicalization). */
export function sameSnapshot(
	a: { content: PromptContent; metadata: PromptMetadata },
	b: { content: PromptContent; metadata: PromptMetadata }
): boolean {
	return (
		canonicalize({ content: a.content, metadata: a.metadata }) ===
		canonicalize({ content: b.content, metadata: b.metadata })
	);
}
