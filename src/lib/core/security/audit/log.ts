/**
 * @module The audit log service: appends signed, hash-chained entries and verifies them. Alone,
 * the log is this device's chain in local storage; once the library syncs with a workspace it is
 * the workspace log (every device's chain, in the synced index document).
 */
import { buildEntry } from './chain';
import { exportAuditCsv, exportAuditJson } from './export';
import { generateDeviceKey, type DeviceSigningKey } from './signing';
import { AuditSeqTaken, type AuditStorage } from './storage';
import type { AuditEntry, AuditInput, AuditScope, AuditVerification } from './types';
import { verifyChain } from './verify';
import { WorkspaceAuditLog, type WorkspaceAuditLogOptions } from './workspace-log';

export interface AuditLogOptions {
	storage: AuditStorage;
	/** Who acts on this device (recorded in each entry unless the input names another actor). */
	actor: () => string;
	now?: () => number;
}

/** The workspace whose index document holds the log (see {@link AuditLog.useWorkspace}). */
export type AuditWorkspaceTarget = Omit<WorkspaceAuditLogOptions, 'storage'>;

const MAX_APPEND_ATTEMPTS = 5;

/**
 * Appends are serialized on this instance; another tab appending at the same time makes the
 * write fail on the taken `seq`, and the entry is rebuilt on the new head and retried.
 */
export class AuditLog {
	readonly #storage: AuditStorage;
	readonly #actor: () => string;
	readonly #now: () => number;
	#queue: Promise<unknown> = Promise.resolve();
	#key: Promise<DeviceSigningKey> | null = null;
	#listeners = new Set<(entry: AuditEntry) => void>();
	#changeListeners = new Set<() => void>();
	#workspace: WorkspaceAuditLog | null = null;
	#offWorkspace: (() => void) | null = null;

	constructor(options: AuditLogOptions) {
		this.#storage = options.storage;
		this.#actor = () => options.actor().trim() || 'anonymous';
		this.#now = options.now ?? Date.now;
	}

	/** This device's signing key: loaded, or generated and registered on first use. */
	deviceKey(): Promise<DeviceSigningKey> {
		this.#key ??= (async () => {
			const stored = await this.#storage.loadSigner();
			if (stored) return stored;
			const key = await generateDeviceKey();
			await this.#storage.saveSigner(key);
			await this.#storage.putKey({
				keyId: key.keyId,
				actor: this.#actor(),
				publicJwk: key.publicJwk,
				addedAt: this.#now()
			});
			return key;
		})();
		this.#key.catch(() => (this.#key = null));
		return this.#key;
	}

	/**
	 * Switches to the workspace log of a synced index document (null: back to this device's own
	 * log). This device's public key is published into the workspace once the document is loaded.
	 */
	useWorkspace(target: AuditWorkspaceTarget | null): void {
		if (this.#workspace?.doc === target?.doc && this.#workspace?.readOnly === target?.readOnly)
			return;
		this.#offWorkspace?.();
		this.#workspace?.stop();
		this.#workspace = null;
		this.#offWorkspace = null;
		if (target) {
			const ws = new WorkspaceAuditLog({ ...target, storage: this.#storage });
			this.#workspace = ws;
			this.#offWorkspace = ws.onChange(() => this.#changed());
			const publish = this.#queue.then(async () => {
				await ws.ready;
				if (this.#workspace === ws)
					ws.publishKey(await this.deviceKey(), this.#actor(), this.#now());
			});
			this.#queue = publish.catch(() => {});
		}
		this.#changed();
	}

	/** Which log is in use. */
	scope(): AuditScope {
		const ws = this.#workspace;
		return ws
			? { kind: 'workspace', workspace: ws.workspace, readOnly: ws.readOnly }
			: { kind: 'device' };
	}

	/** Appends one signed entry; resolves with it once stored. */
	append(input: AuditInput): Promise<AuditEntry> {
		const into = this.#writable()?.workspace ?? null;
		const run = this.#queue.then(() => this.#appendNow(input, into));
		this.#queue = run.catch(() => {});
		return run;
	}

	/**
	 * Appends only when `when` approves the newest entry about the same target (checked in the
	 * append queue, so two callers recording the same fact on this instance add it once).
	 */
	appendIf(
		input: AuditInput,
		when: (lastForTarget: AuditEntry | undefined) => boolean
	): Promise<AuditEntry | null> {
		const into = this.#writable()?.workspace ?? null;
		const run = this.#queue.then(async () =>
			when(await this.lastForTarget(input.target)) ? this.#appendNow(input, into) : null
		);
		this.#queue = run.catch(() => {});
		return run;
	}

	/** The log appends go to: the workspace's unless this device may not write it. */
	#writable(): WorkspaceAuditLog | null {
		const ws = this.#workspace;
		return ws && !ws.readOnly ? ws : null;
	}

	/**
	 * `into`: the workspace whose log was in use when the entry was asked for (null: this device's
	 * own). An act recorded before the library joined a workspace stays in the device's log even
	 * when its turn comes after the switch: its actor is not the workspace user, and the relay
	 * would refuse it (and with it every later change of the index document).
	 */
	async #appendNow(input: AuditInput, into: string | null): Promise<AuditEntry> {
		const key = await this.deviceKey();
		const fields = { ...input, actor: input.actor ?? this.#actor(), at: input.at ?? this.#now() };
		const ws = this.#writable();
		if (ws && ws.workspace === into) {
			await ws.ready;
			ws.publishKey(key, this.#actor(), this.#now());
			const last = ws.head(key.keyId);
			const entry = await buildEntry(last ? { seq: last.seq, hash: last.hash } : null, fields, key);
			await ws.append(entry);
			this.#appended(entry);
			return entry;
		}
		for (let attempt = 1; ; attempt++) {
			const last = await this.#storage.last();
			const entry = await buildEntry(last ? { seq: last.seq, hash: last.hash } : null, fields, key);
			try {
				await this.#storage.append(entry);
				this.#appended(entry);
				return entry;
			} catch (e) {
				if (!(e instanceof AuditSeqTaken) || attempt >= MAX_APPEND_ATTEMPTS) throw e;
			}
		}
	}

	#appended(entry: AuditEntry): void {
		for (const l of this.#listeners) l(entry);
	}

	#changed(): void {
		for (const l of this.#changeListeners) l();
	}

	/** Called after each append on this instance. */
	onAppend(listener: (entry: AuditEntry) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called when the log changes other than by an append here: another device's entries, a switch of workspace. */
	onChange(listener: () => void): () => void {
		this.#changeListeners.add(listener);
		return () => this.#changeListeners.delete(listener);
	}

	/** Every entry: this device's chain, or the workspace's chains merged by time. */
	async list(): Promise<AuditEntry[]> {
		const ws = this.#workspace;
		if (!ws) return this.#storage.entries();
		await ws.ready;
		return ws.entries();
	}

	async lastForTarget(target: string): Promise<AuditEntry | undefined> {
		const ws = this.#writable();
		if (!ws) return this.#storage.lastForTarget(target);
		await ws.ready;
		// Facts recorded in this device's own log before the library was shared count too.
		return ws.lastForTarget(target) ?? this.#storage.lastForTarget(target);
	}

	/** Marks facts (audit targets) as done by another device: they are never recorded here. */
	markForeign(targets: readonly string[]): Promise<void> {
		return this.#storage.markForeign(targets);
	}

	/** Which of `targets` were done by another device. */
	foreign(targets: readonly string[]): Promise<Set<string>> {
		return this.#storage.foreign(targets);
	}

	/** Verifies every entry, the key registry and the known heads; waits for pending appends. */
	async verify(): Promise<AuditVerification> {
		await this.#queue;
		const ws = this.#workspace;
		if (ws) return ws.verify();
		const [entries, keys, head] = await Promise.all([
			this.#storage.entries(),
			this.#storage.keys(),
			this.#storage.head()
		]);
		return verifyChain(entries, keys, { head });
	}

	async exportJson(workspace: string): Promise<string> {
		await this.#queue;
		const ws = this.#workspace;
		if (ws) {
			await ws.ready;
			return exportAuditJson(ws.workspace, ws.entries(), ws.keys(), this.#now(), 'workspace');
		}
		return exportAuditJson(
			workspace,
			await this.#storage.entries(),
			await this.#storage.keys(),
			this.#now(),
			'device'
		);
	}

	async exportCsv(): Promise<string> {
		await this.#queue;
		return exportAuditCsv(await this.list());
	}
}
