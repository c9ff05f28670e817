/** @module In-memory `VcsStore` for tests and benchmarks. */
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import type { VcsStore } from './store';

const key = (promptId: string, name: string) => `${promptId}\u0000${name}`;

/** A `VcsStore` kept in Maps. Values are cloned on the way in and out, like a real database. */
export class MemoryVcsStore implements VcsStore {
	readonly #versions = new Map<string, Version>();
	readonly #branches = new Map<string, Branch>();
	readonly #labels = new Map<string, Label>();
	readonly #events: LabelEvent[] = [];

	async getVersion(id: string): Promise<Version | undefined> {
		const v = this.#versions.get(id);
		return v && structuredClone(v);
	}
	async putVersion(version: Version): Promise<void> {
		this.#versions.set(version.id, structuredClone(version));
	}
	async listVersions(promptId: string): Promise<Version[]> {
		return [...this.#versions.values()]
			.filter((v) => v.promptId === promptId)
			.map((v) => structuredClone(v));
	}

	async getBranch(promptId: string, name: string): Promise<Branch | undefined> {
		const b = this.#branches.get(key(promptId, name));
		return b && { ...b };
	}
	async listBranches(promptId: string): Promise<Branch[]> {
		return [...this.#branches.values()]
			.filter((b) => b.promptId === promptId)
			.map((b) => ({ ...b }));
	}
	async putBranch(branch: Branch): Promise<void> {
		this.#branches.set(key(branch.promptId, branch.name), { ...branch });
	}
	async deleteBranch(promptId: string, name: string): Promise<void> {
		this.#branches.delete(key(promptId, name));
	}

	async getLabel(promptId: string, name: string): Promise<Label | undefined> {
		const l = this.#labels.get(key(promptId, name));
		return l && { ...l };
	}
	async listLabels(promptId: string): Promise<Label[]> {
		return [...this.#labels.values()].filter((l) => l.promptId === promptId).map((l) => ({ ...l }));
	}
	async putLabel(label: Label): Promise<void> {
		this.#labels.set(key(label.promptId, label.name), { ...label });
	}
	async deleteLabel(promptId: string, name: string): Promise<void> {
		this.#labels.delete(key(promptId, name));
	}

	async addLabelEvent(event: LabelEvent): Promise<void> {
		this.#events.push({ ...event });
	}
	async listLabelEvents(promptId: string, label?: string): Promise<LabelEvent[]> {
		return this.#events
			.filter((e) => e.promptId === promptId && (label === undefined || e.label === label))
			.map((e) => ({ ...e }));
	}
}
