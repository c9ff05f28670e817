/**
 * @module The one home of hashing and encodings: canonical JSON, SHA-256 (WebCrypto), base64 and
 * base64url. Version ids, audit entries, cache keys, tokens and stored keys all go through it.
 */
import { PromptloomError } from '../model/errors';

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
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesToBase64(bytes: Uint8Array): string {
	let binary = '';
	for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
	return btoa(binary);
}

/** @throws Error when `text` is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text);
	const out = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
	return out;
}

/** URL- and filename-safe base64 (RFC 4648 §5) without padding. */
export function bytesToBase64Url(bytes: Uint8Array): string {
	return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of unpadded (or padded) base64url text, or null when it is not base64url. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
	if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
	const plain = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
	try {
		return base64ToBytes(plain + '='.repeat((4 - (plain.length % 4)) % 4));
	} catch {
		return null;
	}
}
