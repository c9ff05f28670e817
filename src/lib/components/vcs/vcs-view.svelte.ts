/** @module Reactive view of one prompt's version control: status, history, labels, label moves. */
import { app } from '$lib/state/app.svelte';
import { layoutHistory, type HistoryLayout } from '$lib/core/vcs/graph';
import type { LabelEvent, Version } from '$lib/core/model/version';
import type { VcsStatus } from '$lib/core/vcs/prompt-vcs';

/** First 8 hex digits of a version id, as shown everywhere in the UI. */
export const shortId = (id: string | null | undefined) => (id ? id.slice(0, 8) : '—');

/** Loads and keeps current the version-control data of one prompt. */
export class VcsView {
	status = $state.raw<VcsStatus | null>(null);
	versions = $state.raw<Version[]>([]);
	labelEvents = $state.raw<LabelEvent[]>([]);
	error = $state('');
	#promptId = '';

	layout: HistoryLayout = $derived(layoutHistory(this.versions, this.status?.branches ?? []));
	/** Versions by id. */
	byId: Readonly<Record<string, Version>> = $derived(
		Object.fromEntries(this.versions.map((v) => [v.id, v]))
	);
	/** Label names per version id. */
	labelsOf: Readonly<Record<string, string[]>> = $derived.by(() => {
		const out: Record<string, string[]> = {};
		for (const l of this.status?.labels ?? []) (out[l.versionId] ??= []).push(l.name);
		return out;
	});

	get promptId() {
		return this.#promptId;
	}

	/** Loads the data of a prompt and follows its changes; returns the unsubscribe function. */
	watch(promptId: string): () => void {
		this.#promptId = promptId;
		void this.load();
		const core = app.core;
		if (!core) return () => {};
		const offVcs = core.events.on('vcs:changed', (e) => {
			if (e.promptId === this.#promptId) void this.load();
		});
		const offPrompts = core.events.on('prompts:changed', ({ upserted }) => {
			if (upserted.some((p) => p.id === this.#promptId)) void this.load();
		});
		return () => {
			offVcs();
			offPrompts();
		};
	}

	async load(): Promise<void> {
		const core = app.core;
		if (!core || !this.#promptId) return;
		try {
			const id = this.#promptId;
			const [status, versions, labelEvents] = await Promise.all([
				core.vcs.status(id),
				core.vcs.history(id),
				core.vcs.labelHistory(id)
			]);
			if (id !== this.#promptId) return;
			this.status = status;
			this.versions = versions;
			this.labelEvents = labelEvents;
			this.error = '';
		} catch (e) {
			this.error = e instanceof Error ? e.message : String(e);
		}
	}
}
