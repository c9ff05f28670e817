/**
 * @module The library's undo stack kept on this device across reloads: the most recent entries in
 * the local settings table (never synced: undo is per device), read back with validation.
 */
import { z } from '../model/zod';
import { folderSchema, projectSchema, promptSchema } from '../model/prompt';
import type { PromptloomDb } from '../store/db';
import type { Snapshot, UndoEntry } from './undo-stack';

export const UNDO_SETTING = 'library:undo';
/** How many of the latest entries survive a reload. */
export const PERSISTED_UNDO = 30;

const pairs = <T extends z.ZodType>(record: T) => z.array(z.tuple([z.string(), record.nullable()]));
const snapshotSchema = z.object({
	prompts: pairs(promptSchema),
	folders: pairs(folderSchema),
	projects: pairs(projectSchema)
});
const storedSchema = z.array(
	z.object({ label: z.string(), before: snapshotSchema, after: snapshotSchema })
);

type StoredSnapshot = z.infer<typeof snapshotSchema>;

const toStored = (s: Snapshot): StoredSnapshot => ({
	prompts: [...s.prompts],
	folders: [...s.folders],
	projects: [...s.projects]
});
const fromStored = (s: StoredSnapshot): Snapshot => ({
	prompts: new Map(s.prompts),
	folders: new Map(s.folders),
	projects: new Map(s.projects)
});

/** Reads the saved entries, oldest first; anything unreadable counts as no history. */
export async function loadUndoEntries(db: PromptloomDb): Promise<UndoEntry[]> {
	const rec = await db.settings.get(UNDO_SETTING);
	const parsed = storedSchema.safeParse(rec?.value ?? []);
	if (!parsed.success) return [];
	return parsed.data.map((e) => ({
		label: e.label,
		before: fromStored(e.before),
		after: fromStored(e.after)
	}));
}

/** Saves the latest entries (oldest first), replacing what was saved. */
export async function saveUndoEntries(db: PromptloomDb, entries: readonly UndoEntry[]) {
	const value = entries.slice(-PERSISTED_UNDO).map((e) => ({
		label: e.label,
		before: toStored(e.before),
		after: toStored(e.after)
	}));
	await db.settings.put({ key: UNDO_SETTING, value });
}
