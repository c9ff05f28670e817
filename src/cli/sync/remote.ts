/** @module The workspace as pull/push see it: each live prompt at the selected version, its file path and main's head. */
import { folderPaths, promptFilePath } from '../../lib/core/files/prompty-folder';
import type { LibraryFile } from '../../lib/core/io/library-schema';
import type { Prompt } from '../../lib/core/model/prompt';
import type { Version } from '../../lib/core/model/version';
import { MAIN_BRANCH } from '../../lib/core/vcs/service';
import type { Selector } from './working-folder';

export interface RemotePrompt {
	prompt: Prompt;
	/** The selected version (null: a prompt never committed, pulled as its working copy). */
	version: Version | null;
	/** Head of main, where pushes commit. */
	head: Version | null;
	path: string;
}

export function describeSelector(s: Selector): string {
	return 'label' in s ? `label ${s.label}` : `branch ${s.branch}`;
}

/** Live prompts of `lib` at the version `selector` picks, by prompt id. */
export function remotePrompts(lib: LibraryFile, selector: Selector): Map<string, RemotePrompt> {
	const paths = folderPaths(lib.folders);
	const versions = new Map(lib.versions.map((v) => [v.id, v]));
	const branch = new Map(lib.branches.map((b) => [`${b.promptId}\0${b.name}`, b.head]));
	const label = new Map(lib.labels.map((l) => [`${l.promptId}\0${l.name}`, l.versionId]));
	const out = new Map<string, RemotePrompt>();
	for (const p of lib.prompts) {
		if (p.deletedAt !== null) continue;
		const headId = branch.get(`${p.id}\0${MAIN_BRANCH}`);
		const head = headId ? (versions.get(headId) ?? null) : null;
		let version: Version | null;
		if ('label' in selector) {
			const id = label.get(`${p.id}\0${selector.label}`);
			if (!id) continue;
			version = versions.get(id) ?? null;
			if (!version) continue;
		} else {
			const id = branch.get(`${p.id}\0${selector.branch}`);
			version = id ? (versions.get(id) ?? null) : null;
			if (!version && (selector.branch !== MAIN_BRANCH || headId)) continue;
		}
		out.set(p.id, { prompt: p, version, head, path: promptFilePath(p, paths) });
	}
	return out;
}
