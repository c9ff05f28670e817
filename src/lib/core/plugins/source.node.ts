/**
 * @module A plugin from disk (CLI, tests): a folder holding `promptloom-plugin.json` and the
 * module it names as `main`, or the manifest file itself.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PromptloomError } from '../model/errors';
import { checkManifest, MANIFEST_FILE } from './manifest';
import type { PluginSource } from './plugin';

export interface PluginFiles {
	dir: string;
	manifestText: string;
	/** The module's source; null when the manifest does not name a readable one. */
	code: string | null;
}

/** Reads a plugin's manifest and module; throws a `not_found` error if the manifest is unreadable. */
export async function readPluginFiles(path: string): Promise<PluginFiles> {
	const isDir = await stat(path).then(
		(s) => s.isDirectory(),
		() => false
	);
	const manifestPath = isDir ? join(path, MANIFEST_FILE) : path;
	const dir = isDir ? path : dirname(path);
	let manifestText: string;
	try {
		manifestText = await readFile(manifestPath, 'utf8');
	} catch (e) {
		throw new PromptloomError(
			'not_found',
			`cannot read ${isDir ? join(basename(path), MANIFEST_FILE) : path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
		);
	}
	const m = checkManifest(manifestText);
	let code: string | null = null;
	if (m.ok) code = await readFile(join(dir, m.manifest.main), 'utf8').catch(() => null);
	return { dir, manifestText, code };
}

/** A plugin ready to load; throws a `validation` error for an invalid manifest or missing module. */
export async function readPluginSource(path: string): Promise<PluginSource> {
	const files = await readPluginFiles(path);
	const m = checkManifest(files.manifestText);
	if (!m.ok)
		throw new PromptloomError(
			'validation',
			`${path}: invalid ${MANIFEST_FILE}: ${m.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
		);
	if (files.code === null)
		throw new PromptloomError('not_found', `${path}: cannot read the module ${m.manifest.main}`);
	return { manifest: m.manifest, code: files.code };
}
