/** @module Turns the generated form's text inputs into typed template variables, with per-field problems. */
import type { TemplateVariable } from '$lib/core/template/types';

export interface FormValues {
	values: Record<string, unknown>;
	/** Problems per variable name: bad JSON, not a number, required but empty. */
	issues: Record<string, string>;
	/** True when a problem prevents rendering (bad JSON or number). */
	blocking: boolean;
}

/** The text an input starts with: the template's default, formatted for its kind. */
export function initialText(v: TemplateVariable): string {
	if (v.default === undefined || v.default === null) return '';
	if (typeof v.default === 'string') return v.default;
	if (v.kind === 'list' || v.kind === 'object') return JSON.stringify(v.default, null, 2);
	return String(v.default);
}

/**
 * Parses each input by its variable's kind: numbers, lists (a JSON array or one item per line),
 * objects (JSON). Empty optional inputs are left out so `| default(...)` applies.
 */
export function parseFormValues(
	variables: readonly TemplateVariable[],
	raw: Record<string, string>
): FormValues {
	const values: Record<string, unknown> = {};
	const issues: Record<string, string> = {};
	let blocking = false;
	for (const v of variables) {
		const text = raw[v.name] ?? '';
		if (text.trim() === '') {
			if (v.required) issues[v.name] = `${v.name} is required: the template has no default for it`;
			continue;
		}
		if (v.kind === 'number') {
			const n = Number(text);
			if (!Number.isFinite(n)) {
				issues[v.name] = `${v.name} must be a number, got "${text}"`;
				blocking = true;
			} else values[v.name] = n;
		} else if (v.kind === 'list') {
			const t = text.trim();
			if (t.startsWith('[')) {
				try {
					const parsed: unknown = JSON.parse(t);
					if (!Array.isArray(parsed)) throw new Error('not a list');
					values[v.name] = parsed;
				} catch (e) {
					issues[v.name] = `${v.name}: invalid JSON list (${(e as Error).message})`;
					blocking = true;
				}
			} else values[v.name] = t.split('\n').filter((line) => line.trim() !== '');
		} else if (v.kind === 'object') {
			try {
				const parsed: unknown = JSON.parse(text);
				if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
					throw new Error('expected an object like {"name": "Ann"}');
				values[v.name] = parsed;
			} catch (e) {
				issues[v.name] = `${v.name}: invalid JSON object (${(e as Error).message})`;
				blocking = true;
			}
		} else values[v.name] = text;
	}
	return { values, issues, blocking };
}

/** `$0.000123`, or `price unknown`. */
export function formatCost(usd: number | null | undefined): string {
	if (usd === null || usd === undefined) return 'price unknown';
	if (usd === 0) return '$0';
	return usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`;
}
