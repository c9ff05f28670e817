/** @module Turns IndexedDB/Dexie failures into specific, user-facing errors. */
import { PromptloomError } from '../model/errors';

function errorName(e: unknown): string {
	if (!e || typeof e !== 'object') return '';
	const err = e as { name?: string; inner?: unknown };
	if (err.name === 'AbortError' && err.inner) return errorName(err.inner) || 'AbortError';
	return err.name ?? '';
}

/** Maps a storage exception to a PromptloomError with a message a user can act on. */
export function classifyStorageError(e: unknown, action: string): PromptloomError {
	if (e instanceof PromptloomError) return e;
	const name = errorName(e);
	const detail = e instanceof Error ? e.message : String(e);
	if (name === 'QuotaExceededError' || /quota/i.test(detail)) {
		return new PromptloomError(
			'storage_quota',
			`Could not ${action}: the browser's storage quota is full. Free space (empty the trash, export and delete old prompts) and try again; your text is kept in the editor.`,
			{ cause: e }
		);
	}
	if (name === 'MissingAPIError' || name === 'InvalidStateError' || name === 'SecurityError') {
		return new PromptloomError(
			'storage_unavailable',
			`Could not ${action}: local storage (IndexedDB) is unavailable in this browser window (private mode or disabled site data). Nothing can be saved until storage is allowed. (${name}: ${detail})`,
			{ cause: e }
		);
	}
	if (name === 'VersionError' || name === 'DatabaseClosedError' || /blocked/i.test(detail)) {
		return new PromptloomError(
			'storage_blocked',
			`Could not ${action}: another Promptloom tab is holding an older version of the database. Close or reload the other tabs.`,
			{ cause: e }
		);
	}
	return new PromptloomError('storage', `Could not ${action}: ${detail}`, { cause: e });
}

/** Runs a storage operation and rethrows any failure as a classified PromptloomError. */
export async function guardStorage<T>(action: string, op: () => Promise<T>): Promise<T> {
	try {
		return await op();
	} catch (e) {
		throw classifyStorageError(e, action);
	}
}
