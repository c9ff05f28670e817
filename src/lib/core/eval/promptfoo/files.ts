/**
 * @module Files picked together in a browser (a promptfoo config and what it references): finding
 * the config, and reading `file://` references by base name.
 */
import { parseDocument } from 'yaml';
import { PromptloomError } from '../../model/errors';
import { globMatcher, isGlob } from './glob';

/** A file the user selected, already read as text. */
export interface PickedFile {
	name: string;
	text: string;
}

/** The last segment of a path or `file://` reference (`file://./data/tests.csv` → `tests.csv`). */
export function baseName(path: string): string {
	const p = path.replace(/^file:\/\//, '').replace(/[?#].*$/, '');
	return p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

function looksLikeConfig(text: string): boolean {
	try {
		const data = parseDocument(text).toJS({ maxAliasCount: 100 }) as unknown;
		return typeof data === 'object' && data !== null && 'prompts' in data && 'providers' in data;
	} catch {
		return false;
	}
}

/**
 * Picks the promptfoo config among the selected files: `promptfooconfig.yaml` if present, else the
 * only YAML file with both `prompts` and `providers`.
 * @throws PromptloomError `validation` when there is none, or more than one candidate.
 */
export function findConfigFile(files: PickedFile[]): PickedFile {
	const named = files.filter((f) => /^promptfooconfig\.ya?ml$/i.test(f.name));
	if (named.length === 1) return named[0];
	const candidates = (named.length > 1 ? named : files.filter((f) => isYaml(f.name))).filter((f) =>
		looksLikeConfig(f.text)
	);
	if (candidates.length === 1) return candidates[0];
	if (candidates.length === 0)
		throw new PromptloomError(
			'validation',
			'no promptfoo config among the selected files: select a .yaml file with "prompts" and "providers"'
		);
	throw new PromptloomError(
		'validation',
		`several selected files look like promptfoo configs (${candidates.map((f) => f.name).join(', ')}): select only one`
	);
}

/** Every `file://` reference in a YAML text's values and keys, in order, without duplicates. */
export function fileReferences(text: string): string[] {
	const refs: string[] = [];
	const walk = (v: unknown): void => {
		if (typeof v === 'string') {
			if (v.startsWith('file://')) refs.push(v);
		} else if (Array.isArray(v)) v.forEach(walk);
		else if (typeof v === 'object' && v !== null)
			for (const [k, x] of Object.entries(v)) {
				walk(k);
				walk(x);
			}
	};
	const doc = parseDocument(text);
	if (doc.errors.length > 0) return [];
	try {
		walk(doc.toJS({ maxAliasCount: 100 }));
	} catch {
		return []; // the config itself is refused with its reason when parsed
	}
	return [...new Set(refs)];
}

/** The picked files a glob's last segment matches (`file://tests/*.yaml` → every picked `*.yaml`). */
export function pickedFileLister(files: PickedFile[]): (pattern: string) => Promise<string[]> {
	return async (pattern) => {
		const match = globMatcher(pattern.endsWith('/') ? '*' : baseName(pattern));
		return files.map((f) => f.name).filter((n) => match(n));
	};
}

/**
 * Reads `file://` paths from the picked files by base name (a browser does not give folder paths).
 * @throws PromptloomError `not_found` naming the file when it was not selected, `conflict` when two
 * selected files share the name.
 */
export function pickedFileReader(files: PickedFile[]): (path: string) => Promise<string> {
	return async (path) => {
		const name = baseName(path);
		const hits = files.filter((f) => f.name === name);
		if (hits.length > 1)
			throw new PromptloomError(
				'conflict',
				`two selected files are named ${name}: the config cannot tell them apart`,
				{ path: name }
			);
		if (hits.length === 0) throw missingFileError([name]);
		return hits[0].text;
	};
}

/** The error for referenced files that were not selected with the config. */
export function missingFileError(names: string[]): PromptloomError {
	const list = names.join(', ');
	return new PromptloomError(
		'not_found',
		`missing file${names.length > 1 ? 's' : ''} ${list}: the config references ${names.length > 1 ? 'them' : 'it'}; select ${names.length > 1 ? 'them' : 'it'} together with the config`,
		{ path: names[0] }
	);
}

/** Base names of the config's `file://` references that are not among the picked files. */
export function missingFiles(configText: string, files: PickedFile[]): string[] {
	const have = new Set(files.map((f) => f.name));
	const plain = fileReferences(configText).filter((r) => !isGlob(r.slice('file://'.length)));
	return [...new Set(plain.map(baseName))].filter((n) => !have.has(n));
}
