/**
 * @module The installed plugins of this device (local-only data): each as one record of the
 * `settings` table under `plugin:<id>`, validated when read back.
 */
import { z } from '../model/zod';
import type { PromptloomDb } from '../store/db';

const PREFIX = 'plugin:';

const recordSchema = z.object({
	id: z.string(),
	manifestText: z.string(),
	code: z.string(),
	sha256: z.string(),
	enabled: z.boolean(),
	/** Hosts of the manifest the user approved for its providers. */
	approvedHosts: z.array(z.string()),
	/** A file name or the URL it was installed from. */
	source: z.string(),
	installedAt: z.number(),
	updatedAt: z.number()
});

export type InstalledPlugin = z.infer<typeof recordSchema>;

export interface PluginRegistry {
	list(): Promise<InstalledPlugin[]>;
	get(id: string): Promise<InstalledPlugin | undefined>;
	put(p: InstalledPlugin): Promise<void>;
	remove(id: string): Promise<void>;
}

export class DexiePluginRegistry implements PluginRegistry {
	constructor(private readonly db: PromptloomDb) {}

	async list(): Promise<InstalledPlugin[]> {
		const rows = await this.db.settings.where('key').between(PREFIX, `${PREFIX}\uffff`).toArray();
		return rows
			.map((r) => recordSchema.safeParse(r.value))
			.filter((r) => r.success)
			.map((r) => r.data)
			.sort((a, b) => a.id.localeCompare(b.id));
	}

	async get(id: string): Promise<InstalledPlugin | undefined> {
		const row = await this.db.settings.get(PREFIX + id);
		const r = recordSchema.safeParse(row?.value);
		return r.success ? r.data : undefined;
	}

	async put(p: InstalledPlugin): Promise<void> {
		await this.db.settings.put({ key: PREFIX + p.id, value: recordSchema.parse(p) });
	}

	async remove(id: string): Promise<void> {
		await this.db.settings.delete(PREFIX + id);
	}
}
