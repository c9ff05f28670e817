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
			events.on('prompts:changed', ({ upserted, removed, remote }) => {
				if (remote) for (const p of upserted) this.#remoteFacts.add(`prompt:${p.id}`);
				else this.#enqueue(() => this.#prompts(upserted, removed));
			}),
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
		for (const p of upserted) {
			const target = `prompt:${p.id}`;
			const details = { name: p.name };
			// A prompt created on another device was not created here.
			if (!this.#remoteFacts.has(target))
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

	/** Versions and label moves that arrived from other devices (never recorded as local). */
	readonly #remoteFacts = new Set<string>();

	async #skipRemote(promptId: string): Promise<void> {
		const { db } = this.#o;
		const [versions, moves] = await Promise.all([
			db.versions.where('promptId').equals(promptId).primaryKeys(),
			db.labelEvents.where('promptId').equals(promptId).toArray()
		]);
		for (const id of versions) this.#remoteFacts.add(`version:${id}`);
		for (const e of moves) this.#remoteFacts.add(`labelEvent:${e.id}`);
	}

	async #vcs(promptId: string): Promise<void> {
		const { db } = this.#o;
		const unseen = (last: AuditEntry | undefined) => !last;
		const local = (target: string) => !this.#remoteFacts.has(target);
		const versions = await db.versions.where('promptId').equals(promptId).sortBy('createdAt');
		for (const v of versions) {
			if (!local(`version:${v.id}`)) continue;
			await this.#append(
				v.parents.length > 1 ? 'merge' : 'commit',
				`version:${v.id}`,
				{ promptId, branch: v.branch, message: v.message, parents: v.parents, author: v.author },
				unseen
			);
		}
		const moves = await db.labelEvents.where('promptId').equals(promptId).sortBy('at');
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
