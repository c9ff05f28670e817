/** @module The library file format v1: its marker, header and the schema of each collection. */
import { z } from '../model/zod';
import { folderSchema, projectSchema, promptSchema } from '../model/prompt';
import type { Folder, Project, Prompt } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import { branchSchema, labelEventSchema, labelSchema, versionSchema } from './version-schemas';

export const LIBRARY_FORMAT = 'promptloom-library';
export const LIBRARY_VERSION = 1;

export const workspaceRefSchema = z.object({
	id: z.string().min(1),
	name: z.string()
});
export type WorkspaceRef = z.infer<typeof workspaceRefSchema>;

/** Datasets are opaque in format v1: any object with an id and a name, kept as is. */
export const libraryDatasetSchema = z.looseObject({
	id: z.string().min(1),
	name: z.string()
});
export type LibraryDataset = z.infer<typeof libraryDatasetSchema>;

export const libraryHeaderSchema = z.object({
	exportedAt: z
		.string()
		.refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), {
			message: 'must be an ISO 8601 date-time such as 2024-05-01T12:00:00.000Z'
		}),
	workspace: workspaceRefSchema.optional()
});

/** Schema of one entry of each collection, in the order the file lists the collections. */
export const COLLECTION_SCHEMAS = {
	prompts: promptSchema,
	folders: folderSchema,
	projects: projectSchema,
	versions: versionSchema,
	branches: branchSchema,
	labels: labelSchema,
	labelEvents: labelEventSchema,
	datasets: libraryDatasetSchema
} as const;

export type CollectionName = keyof typeof COLLECTION_SCHEMAS;
export const COLLECTION_NAMES = Object.keys(COLLECTION_SCHEMAS) as CollectionName[];

/** Every top-level key a v1 file may have. */
export const LIBRARY_KEYS = ['format', 'version', 'exportedAt', 'workspace', ...COLLECTION_NAMES];

/** A whole library as stored in a backup file. */
export interface LibraryFile {
	format: typeof LIBRARY_FORMAT;
	version: typeof LIBRARY_VERSION;
	/** When the file was written, ISO 8601. */
	exportedAt: string;
	workspace?: WorkspaceRef;
	prompts: Prompt[];
	folders: Folder[];
	projects: Project[];
	versions: Version[];
	branches: Branch[];
	labels: Label[];
	labelEvents: LabelEvent[];
	datasets: LibraryDataset[];
}

/** Entry counts of a library. */
export type LibrarySummary = Record<CollectionName, number>;

export function summarizeLibrary(lib: LibraryFile): LibrarySummary {
	const out = {} as LibrarySummary;
	for (const name of COLLECTION_NAMES) out[name] = lib[name].length;
	return out;
}

/** Builds a library file from collections, filling the marker, the time and any missing collection. */
export function createLibraryFile(
	parts: Partial<Pick<LibraryFile, CollectionName | 'workspace' | 'exportedAt'>> = {}
): LibraryFile {
	return {
		format: LIBRARY_FORMAT,
		version: LIBRARY_VERSION,
		exportedAt: parts.exportedAt ?? new Date().toISOString(),
		...(parts.workspace ? { workspace: parts.workspace } : {}),
		prompts: parts.prompts ?? [],
		folders: parts.folders ?? [],
		projects: parts.projects ?? [],
		versions: parts.versions ?? [],
		branches: parts.branches ?? [],
		labels: parts.labels ?? [],
		labelEvents: parts.labelEvents ?? [],
		datasets: parts.datasets ?? []
	};
}
