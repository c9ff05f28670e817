/** @module Audit storage in the app's Dexie database (`audit`, `auditKeys`, `auditState` tables). */
import Dexie from 'dexie';
import type { PromptloomDb } from '../../store/db';
import type { DeviceSigningKey } from './signing';
import { AuditSeqTaken, mergeHeads, type AuditStorage } from './storage';
import type { AuditEntry, AuditKeyRecord, AuditStateRecord, KnownHead } from './types';

const knownPrefix = (workspace: string) => `known:${workspace}\u0000`;
const foreignId = (target: string) => `foreign:${target}` as const;

export class DexieAuditStorage implements AuditStorage {
	constructor(private readonly db: PromptloomDb) {}

	entries(): Promise<AuditEntry[]> {
		return this.db.audit.orderBy('seq').toArray();
	}

	last(): Promise<AuditEntry | undefined> {
		return this.db.audit.orderBy('seq').last();
	}

	async append(entry: AuditEntry): Promise<void> {
		try {
			await this.db.transaction('rw', this.db.audit, this.db.auditState, async () => {
				await this.db.audit.add(entry);
				const head: AuditStateRecord = { id: 'head', seq: entry.seq, hash: entry.hash };
				await this.db.auditState.put(head);
			});
		} catch (e) {
			if (e instanceof Dexie.ConstraintError || (e as Error)?.name === 'ConstraintError')
				throw new AuditSeqTaken(entry.seq);
			throw e;
		}
	}

	async lastForTarget(target: string): Promise<AuditEntry | undefined> {
		const rows = await this.db.audit.where('target').equals(target).sortBy('seq');
		return rows.at(-1);
	}

	async head(): Promise<{ seq: number; hash: string } | null> {
		const rec = await this.db.auditState.get('head');
		return rec && rec.id === 'head' ? { seq: rec.seq, hash: rec.hash } : null;
	}

	keys(): Promise<AuditKeyRecord[]> {
		return this.db.auditKeys.toArray();
	}

	async putKey(record: AuditKeyRecord): Promise<void> {
		await this.db.auditKeys.put(record);
	}

	async loadSigner(): Promise<DeviceSigningKey | undefined> {
		const rec = await this.db.auditState.get('signer');
		if (!rec || rec.id !== 'signer') return undefined;
		return { keyId: rec.keyId, privateKey: rec.privateKey, publicJwk: rec.publicJwk };
	}

	async saveSigner(key: DeviceSigningKey): Promise<void> {
		const signer: AuditStateRecord = { id: 'signer', ...key };
		await this.db.auditState.put(signer);
	}

	async knownHeads(workspace: string): Promise<Map<string, KnownHead>> {
		const prefix = knownPrefix(workspace);
		const rows = await this.db.auditState.where('id').startsWith(prefix).toArray();
		const out = new Map<string, KnownHead>();
		for (const r of rows)
			if ('seq' in r) out.set(r.id.slice(prefix.length), { seq: r.seq, hash: r.hash });
		return out;
	}

	async advanceKnownHeads(workspace: string, heads: Map<string, KnownHead>): Promise<void> {
		await this.db.transaction('rw', this.db.auditState, async () => {
			const newer = mergeHeads(await this.knownHeads(workspace), heads);
			await this.db.auditState.bulkPut(
				[...newer].map(([keyId, h]) => ({
					id: `known:${workspace}\u0000${keyId}` as const,
					seq: h.seq,
					hash: h.hash
				}))
			);
		});
	}

	async markForeign(targets: readonly string[]): Promise<void> {
		if (!targets.length) return;
		const at = Date.now();
		await this.db.auditState.bulkPut(targets.map((t) => ({ id: foreignId(t), at })));
	}

	async foreign(targets: readonly string[]): Promise<Set<string>> {
		const rows = await this.db.auditState.bulkGet(targets.map(foreignId));
		return new Set(targets.filter((_, i) => rows[i]));
	}
}
