/**
 * @module Redaction with numbered placeholders (`<EMAIL_ADDRESS_1>`, `<CREDIT_CARD_1>`) and
 * re-identification: the same value always gets the same placeholder, and an answer that repeats
 * a placeholder gets the original value back.
 */
import type { Finding } from './types';

/** One placeholder and the value it stands for. */
export interface RedactionEntry {
	placeholder: string;
	value: string;
	type: string;
	kind: Finding['kind'];
}

export interface Redaction {
	text: string;
	entries: RedactionEntry[];
}

/** Placeholder label for a finding type (`EMAIL_ADDRESS` → `EMAIL`, secrets keep their type). */
export function placeholderLabel(f: Pick<Finding, 'kind' | 'type'>): string {
	if (f.type === 'EMAIL_ADDRESS') return 'EMAIL';
	if (f.type === 'PHONE_NUMBER') return 'PHONE';
	return f.type;
}

/**
 * Replaces the spans of `findings` in `text` with placeholders. Overlapping spans are merged
 * (the outer one names the placeholder). `existing` continues numbering across several texts of
 * one request (system and user messages), so one value keeps one placeholder throughout.
 */
export function redact(
	text: string,
	findings: readonly Finding[],
	existing: RedactionEntry[] = []
): Redaction {
	const entries = existing;
	const spans = [...findings]
		.filter((f) => f.end > f.start)
		.sort((a, b) => a.start - b.start || b.end - a.end);
	const merged: { start: number; end: number; f: Finding }[] = [];
	for (const f of spans) {
		const last = merged[merged.length - 1];
		if (last && f.start < last.end) {
			last.end = Math.max(last.end, f.end);
			continue;
		}
		merged.push({ start: f.start, end: f.end, f });
	}
	let out = '';
	let at = 0;
	for (const m of merged) {
		const value = text.slice(m.start, m.end);
		let entry = entries.find((e) => e.value === value);
		if (!entry) {
			const label = placeholderLabel(m.f);
			const n = entries.filter((e) => e.placeholder.startsWith(`<${label}_`)).length + 1;
			entry = { placeholder: `<${label}_${n}>`, value, type: m.f.type, kind: m.f.kind };
			entries.push(entry);
		}
		out += text.slice(at, m.start) + entry.placeholder;
		at = m.end;
	}
	out += text.slice(at);
	return { text: out, entries };
}

/**
 * Puts the original values back where an answer repeats a placeholder. Models sometimes drop
 * the angle brackets or change case, so `EMAIL_1` and `<email_1>` are restored too.
 */
export function reidentify(answer: string, entries: readonly RedactionEntry[]): string {
	if (entries.length === 0) return answer;
	const byKey = new Map(entries.map((e) => [e.placeholder.slice(1, -1).toUpperCase(), e.value]));
	return answer.replace(
		/<([A-Za-z][A-Za-z0-9_]*_\d+)>|\b([A-Za-z][A-Za-z0-9_]*_\d+)\b/g,
		(whole, bracketed: string | undefined, bare: string | undefined) =>
			byKey.get((bracketed ?? bare ?? '').toUpperCase()) ?? whole
	);
}
