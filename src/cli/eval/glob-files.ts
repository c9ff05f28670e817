/** @module Lists the files under a config's folder that a promptfoo `file://` glob matches. */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { globBase, globMatcher } from '../../lib/core/eval/promptfoo/glob';

/** More files than a config could mean: stop walking (a glob at the root of a big tree). */
const MAX_ENTRIES = 20_000;

/** Config-relative paths (with `/`) of the files under `root` matching `pattern`; dot folders and node_modules are skipped. */
export async function listGlob(root: string, pattern: string): Promise<string[]> {
	const match = globMatcher(pattern);
	const recursive = pattern.includes('**');
	const out: string[] = [];
	let seen = 0;
	const walk = async (dir: string): Promise<void> => {
		const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
		for (const e of entries) {
			if (++seen > MAX_ENTRIES) return;
			const full = join(dir, e.name);
			if (e.isDirectory()) {
				if (recursive && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(full);
			} else {
				const rel = relative(root, full).split(sep).join('/');
				if (match(rel)) out.push(rel);
			}
		}
	};
	const base = globBase(pattern.replace(/^\.\//, ''));
	await walk(join(root, base));
	return out;
}
