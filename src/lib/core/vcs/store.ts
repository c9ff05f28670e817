/** @module Storage contract for versions, branches, labels and label history. */
import type { Branch, Label, LabelEvent, Version } from '../model/version';

/**
 * Where the version-control service keeps its data. Implementations: `MemoryVcsStore` (tests,
 * benchmarks) and a Dexie store. Every method is a plain read or write; all rules (immutability,
 * one version per label, ...) live in `VcsService`, so an implementation stays a thin mapping.
 * Returned objects must be copies: callers may mutate them.
 */
export interface VcsStore {
	getVersion(id: string): Promise<Version | undefined>;
	/** Stores a version; writing an id that already exists with the same data is a no-op. */
	putVersion(version: Version): Promise<void>;
	/** Every version of a prompt, in any order. */
	listVersions(promptId: string): Promise<Version[]>;

	getBranch(promptId: string, name: string): Promise<Branch | undefined>;
	listBranches(promptId: string): Promise<Branch[]>;
	/** Creates or replaces the branch keyed by (promptId, name). */
	putBranch(branch: Branch): Promise<void>;
	deleteBranch(promptId: string, name: string): Promise<void>;

	getLabel(promptId: string, name: string): Promise<Label | undefined>;
	listLabels(promptId: string): Promise<Label[]>;
	/** Creates or replaces the label keyed by (promptId, name). */
	putLabel(label: Label): Promise<void>;
	deleteLabel(promptId: string, name: string): Promise<void>;

	addLabelEvent(event: LabelEvent): Promise<void>;
	/** Label moves of a prompt (optionally of one label) in the order they were added. */
	listLabelEvents(promptId: string, label?: string): Promise<LabelEvent[]>;
}
