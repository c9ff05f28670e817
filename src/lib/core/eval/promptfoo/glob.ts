/** @module `file://` globs in promptfoo configs (`file://tests/*.yaml`, `file://prompts/`): matching only, no file access. */

export const isGlob = (path: string) => /[*?{[]/.test(path) || path.endsWith('/');

/** The folder a glob starts from (`tests/**\/*.yaml` → `tests`), '' for the config's own. */
export function globBase(pattern: string): string {
	const parts = pattern.split('/');
	const fixed: string[] = [];
	for (const p of parts.slice(0, -1)) {
		if (/[*?{[]/.test(p)) break;
		fixed.push(p);
	}
	return fixed.join('/');
}

/**
 * A matcher for config-relative paths: `*` and `?` within one path segment, `**` across
 * segments, `{a,b}` alternatives, `[abc]` classes; a pattern ending in `/` matches the files
 * directly in that folder.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
	const p = pattern.replace(/^\.\//, '').replace(/\/$/, '/*');
	let re = '';
	for (let i = 0; i < p.length; i++) {
		const c = p[i];
		if (c === '*' && p[i + 1] === '*') {
			re += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
			i += p[i + 2] === '/' ? 2 : 1;
		} else if (c === '*') re += '[^/]*';
		else if (c === '?') re += '[^/]';
		else if (c === '{') {
			const end = p.indexOf('}', i);
			if (end === -1) re += '\\{';
			else {
				re += `(?:${p
					.slice(i + 1, end)
					.split(',')
					.map((x) => x.replace(/[.+^$()|\\]/g, '\\$&'))
					.join('|')})`;
				i = end;
			}
		} else if (c === '[') {
			const end = p.indexOf(']', i);
			if (end === -1) re += '\\[';
			else {
				re += `[${p.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
				i = end;
			}
		} else re += c.replace(/[.+^$()|\\]/g, '\\$&');
	}
	const rx = new RegExp(`^${re}$`);
	return (path) => rx.test(path.replace(/^\.\//, ''));
}
