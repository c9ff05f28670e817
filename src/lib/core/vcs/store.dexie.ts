/** @module `VcsStore` over the local Dexie database (versions, branches, labels, label events). */
import type { VcsStore } from './store';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import type { PromptloomDb } from '../store/db';
import { guardStorage } from '../store/storage-errors';

/** A label event as stored: `seq` keeps insertion order among events of the same millisecond. */
type StoredLabelEvent = LabelEvent & { seq?: number };

const stripSeq = ({ seq: _seq, ...event }: StoredLabelEvent): LabelEvent => event;

/**
 * Stores version-control data in the `versions`, `branches`, `labels` and `labelEvents` tables.
 * IndexedDB hands out structured clones, so returned objects are always copies.
 */
export class DexieVcsStore implements VcsStore {
	readonly #db: PromptloomDb;

	constructor(db: PromptloomDb) {
		this.#db = db;
	}

	getVersion(id: string): Promise<Version | undefined> {
		return guardStorage('read a version', () => this.#db.versions.get(id));
	}

	async putVersion(version: Version): Promise<void> {
		await guardStorage('save a version', () => this.#db.versions.put(version));
	}

	listVersions(promptId: string): Promise<Version[]> {
		return guardStorage('list versions', () =>
			this.#db.versions.where('promptId').equals(promptId).toArray()
		);
	}

	getBranch(promptId: string, name: string): Promise<Branch | undefined> {
		return guardStorage('read a branch', () => this.#db.branches.get([promptId, name]));
	}

	listBranches(promptId: string): Promise<Branch[]> {
		return guardStorage('list branches', () =>
			this.#db.branches.where('promptId').equals(promptId).toArray()
		);
	}

	async putBranch(branch: Branch): Promise<void> {
		await guardStorage('save a branch', () => this.#db.branches.put(branch));
	}

	async deleteBranch(promptId: string, name: string): Promise<void> {
		await guardStorage('delete a branch', () => this.#db.branches.delete([promptId, name]));
	}

	getLabel(promptId: string, name: string): Promise<Label | undefined> {
		return guardStorage('read a label', () => this.#db.labels.get([promptId, name]));
	}

	listLabels(promptId: string): Promise<Label[]> {
		return guardStorage('list labels', () =>
			this.#db.labels.where('promptId').equals(promptId).toArray()
		);
	}

	async putLabel(label: Label): Promise<void> {
		await guardStorage('save a label', () => this.#db.labels.put(label));
	}

	async deleteLabel(promptId: string, name: string): Promise<void> {
		await guardStorage('delete a label', () => this.#db.labels.delete([promptId, name]));
	}

	async addLabelEvent(event: LabelEvent): Promise<void> {
		const table = this.#db.labelEvents;
		await guardStorage('record a label change', () =>
			this.#db.transaction('rw', table, async () => {
				const seq = await table.where('promptId').equals(event.promptId).count();
				await table.put({ ...event, seq } as StoredLabelEvent);
			})
		);
	}

	async listLabelEvents(promptId: string, label?: string): Promise<LabelEvent[]> {
		const events = (await guardStorage('list label changes', () =>
			this.#db.labelEvents.where('promptId').equals(promptId).toArray()
		)) as StoredLabelEvent[];
		return events
			.filter((e) => label === undefined || e.label === label)
			.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.at - b.at)
			.map(stripSeq);
	}
}
