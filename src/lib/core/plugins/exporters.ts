/**
 * @module Plugin exporters: library → files. The plugin gets the prompts (not in the trash) as
 * plain data with their folder path, and returns `{files: [{path, text}]}`; the host checks every
 * path is relative, inside the target folder and unique before anything is written.
 */
import { z } from '../model/zod';
import { folderPaths } from '../files/prompty-folder';
import type { Folder, Prompt } from '../model/prompt';
import { badResult, PluginError, type LoadedPlugin } from './plugin';

export interface ExportedFile {
	path: string;
	text: string;
}

/** A folder or file name: no separators, nothing Windows forbids, no `.` or `..`. */
const SEGMENT = /^(?!\.{1,2}$)[^/\\:*?"<>|]{1,200}$/;
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f]/;

const resultSchema = z.object({
	files: z.array(z.object({ path: z.string().min(1).max(1000), text: z.string() })).max(100_000)
});

/** The library as a plugin exporter sees it. */
export interface ExportInput {
	prompts: Array<{
		name: string;
		type: 'text' | 'chat';
		content: string;
		messages: Array<{ role: string; content: string }>;
		description: string;
		tags: string[];
		folder: string;
		model: string | null;
		updatedAt: number;
	}>;
}

export function exportInput(lib: {
	prompts: readonly Prompt[];
	folders: readonly Folder[];
}): ExportInput {
	const paths = folderPaths(lib.folders);
	return {
		prompts: lib.prompts
			.filter((p) => p.deletedAt === null)
			.map((p) => ({
				name: p.name,
				type: p.type,
				content: p.content,
				messages: p.messages.map((m) => ({ role: m.role, content: m.content })),
				description: p.description,
				tags: [...p.tags],
				folder: p.folderId ? (paths.get(p.folderId) ?? '') : '',
				model: p.modelConfig?.model ?? null,
				updatedAt: p.updatedAt
			}))
	};
}

/** Why `path` may not be written under the export folder, or null when it may. */
export function unsafeExportPath(path: string): string | null {
	if (path.startsWith('/') || path.includes('\\'))
		return 'must be a relative path with / between folders';
	const parts = path.split('/');
	if (CONTROL.test(path) || parts.some((p) => !SEGMENT.test(p)))
		return 'has an empty, "." or ".." part or a character files cannot hold';
	return null;
}

/** Runs exporter `name` of `plugin`; throws a `PluginError` for a malformed result or a bad path. */
export async function runPluginExporter(
	plugin: LoadedPlugin,
	name: string,
	lib: { prompts: readonly Prompt[]; folders: readonly Folder[] }
): Promise<ExportedFile[]> {
	const call = `exporters/${name}`;
	const raw = await plugin.call('exporters', name, exportInput(lib));
	const parsed = resultSchema.safeParse(raw);
	if (!parsed.success)
		throw new PluginError(
			plugin.id,
			call,
			badResult(`expected {files: [{path, text}]}: ${parsed.error.issues[0]?.message ?? ''}`)
		);
	const seen = new Set<string>();
	for (const f of parsed.data.files) {
		const why = unsafeExportPath(f.path);
		if (why) throw new PluginError(plugin.id, call, badResult(`file path "${f.path}" ${why}`));
		if (seen.has(f.path))
			throw new PluginError(plugin.id, call, badResult(`file path "${f.path}" is returned twice`));
		seen.add(f.path);
	}
	return parsed.data.files.map((f) => ({ path: f.path, text: f.text }));
}
