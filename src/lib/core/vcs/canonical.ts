/** @module Canonical serialization and content-addressed version ids (SHA-256 via WebCrypto). */
import { PromptloomError } from '../model/errors';
import type { PromptContent, PromptMetadata } from '../model/prompt';
import type { Version } from '../model/version';

/**
 * Serializes a JSON-like value into one canonical string, so that equal data always hashes equally:
 * - object keys are sorted by UTF-16 code units, after NFC normalization of the key;
 * - every string (keys and values) is normalized to Unicode NFC, so text typed as NFD on one
 *   device and NFC on another gets the same id;
 * - numbers are written as JSON writes them (`-0` becomes `0`); NaN and Infinity are rejected;
 * - object properties whose value is `undefined` are dropped; `undefined` inside arrays becomes `null`
 *   (as JSON.stringify does);
 * - arrays keep their order.
 * Functions, symbols and bigints are rejected with a `validation` error.
 */
export function canonicalize(value: unknown): string {
	return write(value, '$');
}

function write(value: unknown, path: string): string {
	if (value === null) return 'null';
	switch (typeof value) {
		case 'string':
			return JSON.stringify(value.normalize('NFC'));
		case 'boolean':
			return value ? 'true' : 'false';
		case 'number':
			if (!Number.isFinite(value)) {
				throw new PromptloomError('validation', `cannot hash non-finite number ${value}`, { path });
			}
			return JSON.stringify(value);
		case 'object':
			return Array.isArray(value) ? writeArray(value, path) : writeObject(value, path);
		default:
			throw new PromptloomError('validation', `cannot hash a value of type ${typeof value}`, {
				path
			});
	}
}

function writeArray(items: readonly unknown[], path: string): string {
	const parts = items.map((item, i) =>
		item === undefined ? 'null' : write(item, `${path}[${i}]`)
	);
	return `[${parts.join(',')}]`;
}

function writeObject(obj: object, path: string): string {
	const entries = new Map<string, unknown>();
	for (const [rawKey, v] of Object.entries(obj)) {
		if (v === undefined) continue;
		const key = rawKey.normalize('NFC');
		if (entries.has(key)) {
			throw new PromptloomError('validation', `two keys normalize to the same NFC key "${key}"`, {
				path
			});
		}
		entries.set(key, v);
	}
	const keys = [...entries.keys()].sort();
	const parts = keys.map((k) => `${JSON.stringify(k)}:${write(entries.get(k), `${path}.${k}`)}`);
	return `{${parts.join(',')}}`;
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`, using `globalThis.crypto.subtle`. */
export async function sha256Hex(text: string): Promise<string> {
	const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	const bytes = new Uint8Array(digest);
	let hex = '';
	for (const b of bytes) hex += b.toString(16).padStart(2, '0');
	return hex;
}

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
