/** @module The audit log service: appends signed, hash-chained entries and verifies the chain. */
import { buildEntry } from './chain';
import { exportAuditCsv, exportAuditJson } from './export';
import { generateDeviceKey, type DeviceSigningKey } from './signing';
import { AuditSeqTaken, type AuditStorage } from './storage';
import type { AuditEntry, AuditInput, AuditVerification } from './types';
import { verifyChain } from './verify';

export interface AuditLogOptions {
	storage: AuditStorage;
	/** Who acts on this device (recorded in each entry unless the input names another actor). */
	actor: () => string;
	now?: () => number;
}

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

	/** Appends one signed entry; resolves with it once stored. */
	append(input: AuditInput): Promise<AuditEntry> {
		const run = this.#queue.then(() => this.#appendNow(input));
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
		const run = this.#queue.then(async () =>
			when(await this.#storage.lastForTarget(input.target)) ? this.#appendNow(input) : null
		);
		this.#queue = run.catch(() => {});
		return run;
	}

	async #appendNow(input: AuditInput): Promise<AuditEntry> {
		const key = await this.deviceKey();
		const fields = { ...input, actor: input.actor ?? this.#actor(), at: input.at ?? this.#now() };
		for (let attempt = 1; ; attempt++) {
			const last = await this.#storage.last();
			const entry = await buildEntry(last ? { seq: last.seq, hash: last.hash } : null, fields, key);
			try {
				await this.#storage.append(entry);
				for (const l of this.#listeners) l(entry);
				return entry;
			} catch (e) {
				if (!(e instanceof AuditSeqTaken) || attempt >= MAX_APPEND_ATTEMPTS) throw e;
			}
		}
	}

	/** Called after each append on this instance. */
	onAppend(listener: (entry: AuditEntry) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	list(): Promise<AuditEntry[]> {
		return this.#storage.entries();
	}

	lastForTarget(target: string): Promise<AuditEntry | undefined> {
		return this.#storage.lastForTarget(target);
	}

	/** Verifies every entry, the key registry and the recorded head; waits for pending appends. */
	async verify(): Promise<AuditVerification> {
		await this.#queue;
		const [entries, keys, head] = await Promise.all([
			this.#storage.entries(),
			this.#storage.keys(),
			this.#storage.head()
		]);
		return verifyChain(entries, keys, { head });
	}

	async exportJson(workspace: string): Promise<string> {
		await this.#queue;
		return exportAuditJson(
			workspace,
			await this.#storage.entries(),
			await this.#storage.keys(),
			this.#now()
		);
	}

	async exportCsv(): Promise<string> {
		await this.#queue;
		return exportAuditCsv(await this.#storage.entries());
	}
}
