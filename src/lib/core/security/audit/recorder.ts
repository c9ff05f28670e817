/**
 * @module Feeds the audit log from core events: prompt create/delete/restore/purge, commits and
 * merges (from stored versions), label moves (from stored label events), library replacement.
 * Each fact is recorded once: the entry's `target` names it (`version:<id>`, `labelEvent:<id>`).
 */
import type { DomainEvents, EventBus } from '../../events';
import type { Prompt } from '../../model/prompt';
import type { PromptloomDb } from '../../store/db';
import type { AuditLog } from './log';
import type { AuditEntry } from './types';

export interface AuditRecorderOptions {
	db: PromptloomDb;
	events: EventBus<DomainEvents>;
	audit: AuditLog;
	/** The acting user (e.g. the relay user in a shared workspace). */
	actor: () => string;
	/** Called when recording fails (the change itself is never undone). */
	onError?: (e: unknown) => void;
}

/** Subscribes to the events; returns a function that unsubscribes. `idle()` waits for pending work. */
export class AuditRecorder {
	#queue: Promise<void> = Promise.resolve();
	readonly #o: AuditRecorderOptions;
	readonly #off: Array<() => void>;

	constructor(options: AuditRecorderOptions) {
		this.#o = options;
		const { events } = options;
		this.#off = [
			// Changes synced from other devices are their authors' entries, not this device's.
			events.on('prompts:changed', ({ upserted, removed, remote }) =>
				this.#enqueue(() =>
					remote
						? this.#o.audit.markForeign(upserted.map((p) => `prompt:${p.id}`))
						: this.#prompts(upserted, removed)
				)
			),
			events.on('vcs:changed', ({ promptId, remote }) =>
				this.#enqueue(() => (remote ? this.#skipRemote(promptId) : this.#vcs(promptId)))
			),
			events.on('library:replaced', () =>
				this.#enqueue(() => this.#append('library.replace', 'library', {}))
			)
		];
	}

	stop(): void {
		for (const off of this.#off) off();
	}

	/** Resolves once every event received so far is recorded. */
	idle(): Promise<void> {
		return this.#queue;
	}

	#enqueue(work: () => Promise<void>): void {
		this.#queue = this.#queue.then(work).catch((e) => this.#o.onError?.(e));
	}

	async #append(
		action: string,
		target: string,
		details: Record<string, unknown>,
		when: (last: AuditEntry | undefined) => boolean = () => true
	) {
		await this.#o.audit.appendIf({ action, target, details, actor: this.#o.actor() }, when);
	}

	async #prompts(upserted: Prompt[], removed: string[]): Promise<void> {
		const foreign = await this.#o.audit.foreign(upserted.map((p) => `prompt:${p.id}`));
		for (const p of upserted) {
			const target = `prompt:${p.id}`;
			const details = { name: p.name };
			// A prompt created on another device was not created here.
			if (!foreign.has(target))
				await this.#append('prompt.create', target, details, (last) => !last);
			if (p.deletedAt)
				await this.#append(
					'prompt.delete',
					target,
					details,
					(last) => last?.action !== 'prompt.delete'
				);
			else
				await this.#append(
					'prompt.restore',
					target,
					details,
					(last) => last?.action === 'prompt.delete'
				);
		}
		for (const id of removed)
			await this.#append(
				'prompt.purge',
				`prompt:${id}`,
				{},
				(last) => last?.action !== 'prompt.purge'
			);
	}

	/**
	 * Versions and label moves present when another device's changes of a prompt arrive are marked
	 * (in storage, so the mark survives a reload) and never recorded as this device's acts. Local
	 * facts were recorded before (events are handled in order), so marking them changes nothing.
	 */
	async #skipRemote(promptId: string): Promise<void> {
		const { db, audit } = this.#o;
		const [versions, moves] = await Promise.all([
			db.versions.where('promptId').equals(promptId).primaryKeys(),
			db.labelEvents.where('promptId').equals(promptId).primaryKeys()
		]);
		await audit.markForeign([
			...versions.map((id) => `version:${id}`),
			...moves.map((id) => `labelEvent:${id}`)
		]);
	}

	async #vcs(promptId: string): Promise<void> {
		const { db } = this.#o;
		const unseen = (last: AuditEntry | undefined) => !last;
		const versions = await db.versions.where('promptId').equals(promptId).sortBy('createdAt');
		const moves = await db.labelEvents.where('promptId').equals(promptId).sortBy('at');
		const foreign = await this.#o.audit.foreign([
			...versions.map((v) => `version:${v.id}`),
			...moves.map((e) => `labelEvent:${e.id}`)
		]);
		const local = (target: string) => !foreign.has(target);
		for (const v of versions) {
			if (!local(`version:${v.id}`)) continue;
			await this.#append(
				v.parents.length > 1 ? 'merge' : 'commit',
				`version:${v.id}`,
				{ promptId, branch: v.branch, message: v.message, parents: v.parents, author: v.author },
				unseen
			);
		}
		for (const e of moves) {
			if (!local(`labelEvent:${e.id}`)) continue;
			await this.#append(
				e.to ? 'label.move' : 'label.remove',
				`labelEvent:${e.id}`,
				{ promptId, label: e.label, from: e.from, to: e.to, by: e.actor },
				unseen
			);
		}
	}
}
