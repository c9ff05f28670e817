/** @module Detects versions in a library whose content no longer matches their content-addressed id. */
import { verifyVersion } from '../vcs/canonical';
import type { LibraryIssue } from './issues';
import type { LibraryFile } from './library-schema';

/**
 * Recomputes every version's SHA-256 id and reports those that differ (tampered or corrupted).
 * Returns an empty list when every version is intact. Paths match `parseLibrary`'s.
 */
export async function verifyLibraryVersions(library: LibraryFile): Promise<LibraryIssue[]> {
	const results = await Promise.all(library.versions.map((v) => verifyVersion(v)));
	const issues: LibraryIssue[] = [];
	results.forEach((intact, i) => {
		if (!intact)
			issues.push({
				path: `versions[${i}] (${library.versions[i].id.slice(0, 12)}).id`,
				message: 'does not match the version content: the version was modified or corrupted'
			});
	});
	return issues;
}
