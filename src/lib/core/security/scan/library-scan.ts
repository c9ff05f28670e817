/**
 * @module Scanning a whole library: every prompt's text, chat messages and description, and every
 * dataset cell that is text. Used by `promptloom scan --library` and the Scan library page.
 */
import type { Prompt } from '../../model/prompt';
import { scanText } from './scanner';
import type { Finding, ScanOptions } from './types';

/** Findings in one field of one prompt or dataset. */
export interface LibraryFieldFindings {
	source: 'prompt' | 'dataset';
	id: string;
	name: string;
	/** Where in the item: `content`, `messages[1].content`, `description`, `rows[3].email`. */
	field: string;
	/** The field's text (the findings' offsets refer to it). */
	text: string;
	findings: Finding[];
}

/** The parts of a dataset this scan reads (datasets are kept loosely typed in backups). */
export interface ScannableDataset {
	id: string;
	name: string;
	rows?: unknown;
}

/** Text fields of a prompt, with their paths. */
export function promptFields(p: Pick<Prompt, 'type' | 'content' | 'messages' | 'description'>) {
	const out: { field: string; text: string }[] = [];
	if (p.type === 'chat')
		p.messages.forEach((m, i) => out.push({ field: `messages[${i}].content`, text: m.content }));
	if (p.type !== 'chat' || p.content) out.push({ field: 'content', text: p.content });
	if (p.description) out.push({ field: 'description', text: p.description });
	return out;
}

/** Text cells of a dataset (`rows[i].<column>`), whatever else the rows hold. */
export function datasetFields(d: ScannableDataset) {
	const out: { field: string; text: string }[] = [];
	if (!Array.isArray(d.rows)) return out;
	d.rows.forEach((row, i) => {
		const values =
			row && typeof row === 'object' && 'values' in row ? (row as { values: unknown }).values : row;
		if (!values || typeof values !== 'object') return;
		for (const [column, value] of Object.entries(values as Record<string, unknown>)) {
			if (typeof value === 'string' && value)
				out.push({ field: `rows[${i}].${column}`, text: value });
		}
	});
	return out;
}

/** Scans prompts and datasets; only fields with findings are returned, in library order. */
export function scanLibraryItems(
	prompts: readonly Pick<Prompt, 'id' | 'name' | 'type' | 'content' | 'messages' | 'description'>[],
	datasets: readonly ScannableDataset[],
	options: ScanOptions = {}
): LibraryFieldFindings[] {
	const out: LibraryFieldFindings[] = [];
	for (const p of prompts)
		for (const { field, text } of promptFields(p)) {
			const findings = scanText(text, options).findings;
			if (findings.length)
				out.push({ source: 'prompt', id: p.id, name: p.name, field, text, findings });
		}
	for (const d of datasets)
		for (const { field, text } of datasetFields(d)) {
			const findings = scanText(text, options).findings;
			if (findings.length)
				out.push({ source: 'dataset', id: d.id, name: d.name, field, text, findings });
		}
	return out;
}
