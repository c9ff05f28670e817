/** @module Turns any failure of a column into the specific message the UI shows under it. */
import { isPromptloomError } from '../model/errors';
import { KeyVaultError, ProviderError } from '../providers/index';
import type { ColumnError } from './types';

export function columnError(e: unknown): ColumnError {
	if (e instanceof ProviderError) return { code: e.code, kind: e.kind, message: e.message };
	if (e instanceof KeyVaultError) return { code: e.code, kind: e.reason, message: e.message };
	if (isPromptloomError(e)) return { code: e.code, message: e.message };
	return { code: 'unknown', message: e instanceof Error ? e.message : String(e) };
}

/** True for an abort (the user pressed cancel), whatever shape the runtime gave it. */
export function isCancel(e: unknown, signal: AbortSignal | undefined): boolean {
	if (e instanceof ProviderError && e.kind === 'cancelled') return true;
	return signal?.aborted === true;
}
