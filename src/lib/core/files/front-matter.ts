/**
 * @module YAML front matter between `---` lines at the top of a prompt file (Prompty and
 * Dotprompt): splits it from the body and parses it with positions, so every problem names the
 * line and column of the key or value at fault. YAML is parsed as data only (no custom tags, a
 * bounded number of aliases), never run.
 */
import {
	isMap,
	isScalar,
	isSeq,
	parse,
	parseDocument,
	stringify,
	type Document,
	type Node
} from 'yaml';
import { issueAt, type FileIssue } from './issues';

export interface FrontMatterSplit {
	/** False when the file does not start with a `---` line (it is all body). */
	present: boolean;
	/** The YAML text between the delimiters. */
	yaml: string;
	/** Offset of {@link yaml} in the file. */
	yamlStart: number;
	body: string;
	/** Offset of {@link body} in the file. */
	bodyStart: number;
}

const OPEN = /^---[ \t]*\r?\n/;
/** The closing line; lines end at "\n" only (a regex `$` would also stop at U+2028 inside a value). */
const CLOSE_LINE = /^---[ \t]*\r?$/;

function findClose(text: string): { index: number; length: number } | null {
	for (let at = 0; at <= text.length;) {
		const nl = text.indexOf('\n', at);
		const line = text.slice(at, nl === -1 ? text.length : nl);
		if (CLOSE_LINE.test(line)) return { index: at, length: line.length };
		if (nl === -1) return null;
		at = nl + 1;
	}
	return null;
}

/**
 * Splits `text` (a byte-order mark is skipped) into front matter and body. A file that opens a
 * front matter and never closes it is an error at line 1.
 */
export function splitFrontMatter(text: string): { split: FrontMatterSplit; issues: FileIssue[] } {
	const bom = text.startsWith('\uFEFF') ? 1 : 0;
	const rest = text.slice(bom);
	const open = OPEN.exec(rest);
	if (!open) {
		const emptyOpen = /^---[ \t]*$/.test(rest);
		return {
			split: { present: false, yaml: '', yamlStart: bom, body: rest, bodyStart: bom },
			issues: emptyOpen
				? [
						issueAt(
							text,
							bom,
							bom + 3,
							'error',
							'the front matter is not closed: add a line "---" after it'
						)
					]
				: []
		};
	}
	const yamlStart = bom + open[0].length;
	const after = text.slice(yamlStart);
	const close = findClose(after);
	if (!close)
		return {
			split: { present: true, yaml: after, yamlStart, body: '', bodyStart: text.length },
			issues: [
				issueAt(
					text,
					bom,
					bom + 3,
					'error',
					'the front matter is not closed: add a line "---" after it'
				)
			]
		};
	const yaml = after.slice(0, close.index);
	let bodyStart = yamlStart + close.index + close.length;
	if (text[bodyStart] === '\n') bodyStart++;
	return {
		split: { present: true, yaml, yamlStart, body: text.slice(bodyStart), bodyStart },
		issues: []
	};
}

/** A parsed front matter: its data and where each key and value is in the file. */
export interface FrontMatter {
	data: Record<string, unknown>;
	doc: Document | null;
	/** The file text and the offset of the YAML in it (to turn node ranges into positions). */
	text: string;
	offset: number;
}

/** Most YAML aliases one front matter may expand (a "billion laughs" file is refused). */
const MAX_ALIASES = 100;

/** Parses the YAML of `split`; syntax errors come back as issues with their position. */
export function parseFrontMatter(
	text: string,
	split: FrontMatterSplit
): { fm: FrontMatter; issues: FileIssue[] } {
	const empty: FrontMatter = { data: {}, doc: null, text, offset: split.yamlStart };
	if (!split.present || split.yaml.trim() === '') return { fm: empty, issues: [] };
	const doc = parseDocument(split.yaml, { uniqueKeys: true, prettyErrors: false });
	const issues: FileIssue[] = [];
	for (const e of [...doc.errors, ...doc.warnings]) {
		const [from, to] = e.pos;
		issues.push(
			issueAt(
				text,
				split.yamlStart + from,
				split.yamlStart + Math.max(to, from + 1),
				doc.errors.includes(e as never) ? 'error' : 'warning',
				`front matter: ${yamlMessage(e.message)}`
			)
		);
	}
	if (doc.errors.length) return { fm: { ...empty, doc }, issues };
	let data: unknown;
	try {
		data = doc.toJS({ maxAliasCount: MAX_ALIASES });
	} catch (e) {
		issues.push(
			issueAt(
				text,
				split.yamlStart,
				split.yamlStart + 3,
				'error',
				`front matter: ${yamlMessage((e as Error).message)}`
			)
		);
		return { fm: { ...empty, doc }, issues };
	}
	if (data === null || data === undefined) return { fm: { ...empty, doc }, issues };
	if (typeof data !== 'object' || Array.isArray(data)) {
		issues.push(
			issueAt(
				text,
				split.yamlStart,
				split.yamlStart + split.yaml.length,
				'error',
				'front matter must be a mapping of keys to values (key: value lines)'
			)
		);
		return { fm: { ...empty, doc }, issues };
	}
	return {
		fm: { data: data as Record<string, unknown>, doc, text, offset: split.yamlStart },
		issues
	};
}

/** The YAML library's message without its own position and excerpt. */
function yamlMessage(message: string): string {
	return message.split(/ at line \d+, column \d+/)[0].trim();
}

/**
 * The node at `path` in the front matter: with `key`, the map key naming it (for "unknown key"
 * problems), else its value. Falls back to the closest existing parent.
 */
function nodeAt(fm: FrontMatter, path: ReadonlyArray<string | number>, key: boolean): Node | null {
	if (!fm.doc) return null;
	let node: unknown = fm.doc.contents;
	let found: Node | null = (node as Node) ?? null;
	for (let i = 0; i < path.length; i++) {
		const part = path[i];
		const last = i === path.length - 1;
		if (isMap(node)) {
			const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
			if (!pair) return found;
			if (last && key && pair.key) return pair.key as Node;
			node = pair.value;
			found = (pair.value as Node) ?? (pair.key as Node) ?? found;
		} else if (isSeq(node) && typeof part === 'number') {
			const item = node.items[part];
			if (!item) return found;
			node = item;
			found = item as Node;
		} else return found;
	}
	return found;
}

/** An issue at the value (or, with `onKey`, the key) at `path` of the front matter. */
export function fmIssue(
	fm: FrontMatter,
	path: ReadonlyArray<string | number>,
	severity: FileIssue['severity'],
	message: string,
	onKey = false
): FileIssue {
	const node = nodeAt(fm, path, onKey);
	const field = path.map(String).join('.');
	if (!node?.range) return issueAt(fm.text, fm.offset, fm.offset, severity, message, field);
	const [from, to] = node.range;
	return issueAt(fm.text, fm.offset + from, fm.offset + to, severity, message, field || undefined);
}

/**
 * Front matter as YAML that reads back to exactly `data`: literal blocks for multi-line text,
 * except where the YAML writer would lose something (e.g. a block whose first line is only
 * spaces reads back without them): then every string is written double-quoted.
 */
export function stringifyFrontMatter(data: Record<string, unknown>): string {
	const readable = stringify(data, {
		aliasDuplicateObjects: false,
		lineWidth: 0,
		blockQuote: 'literal'
	});
	if (JSON.stringify(parse(readable)) === JSON.stringify(data)) return readable;
	return stringify(data, {
		aliasDuplicateObjects: false,
		lineWidth: 0,
		blockQuote: false,
		defaultStringType: 'QUOTE_DOUBLE',
		defaultKeyType: 'PLAIN'
	});
}
