/** @module Response cache keyed by SHA-256 of (provider, model, rendered messages, params). */
import type { EvalMessage, ModelCallResponse } from '../types';
import { canonicalize, sha256Hex } from '../../util/crypto';

export interface ResponseCache {
	get(key: string): Promise<ModelCallResponse | undefined>;
	set(key: string, value: ModelCallResponse): Promise<void>;
}

/** The cache key of one model call; parameter order does not matter. */
export function responseCacheKey(req: {
	provider: string;
	model: string;
	messages: EvalMessage[];
	params: Record<string, unknown>;
}): Promise<string> {
	return sha256Hex(
		canonicalize({
			provider: req.provider,
			model: req.model,
			messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
			params: req.params
		})
	);
}

/** In-memory cache (tests, CLI); the app backs this interface with Dexie. */
export class MemoryResponseCache implements ResponseCache {
	readonly #entries = new Map<string, ModelCallResponse>();
	async get(key: string) {
		const hit = this.#entries.get(key);
		return hit ? structuredClone(hit) : undefined;
	}
	async set(key: string, value: ModelCallResponse) {
		this.#entries.set(key, structuredClone(value));
	}
	get size(): number {
		return this.#entries.size;
	}
}
