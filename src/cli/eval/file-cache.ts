/** @module File-backed ResponseCache for the CLI: one JSON file per cache key in a folder. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResponseCache } from '../../lib/core/eval/run/cache';
import type { ModelCallResponse } from '../../lib/core/eval/types';

/**
 * Responses stored as `<dir>/<sha256 key>.json`. Writes go through a temporary file and a rename,
 * so a killed run never leaves a half-written entry; an unreadable entry counts as a miss.
 */
export class FileResponseCache implements ResponseCache {
	readonly dir: string;
	#made = false;
	hits = 0;
	constructor(dir: string) {
		this.dir = dir;
	}
	async get(key: string): Promise<ModelCallResponse | undefined> {
		try {
			const value = JSON.parse(await readFile(join(this.dir, `${key}.json`), 'utf8'));
			if (typeof value?.text !== 'string' || typeof value?.usage !== 'object') return undefined;
			this.hits++;
			return value as ModelCallResponse;
		} catch {
			return undefined;
		}
	}
	async set(key: string, value: ModelCallResponse): Promise<void> {
		if (!this.#made) {
			await mkdir(this.dir, { recursive: true });
			this.#made = true;
		}
		const file = join(this.dir, `${key}.json`);
		const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
		await writeFile(tmp, JSON.stringify(value));
		await rename(tmp, file);
	}
}
