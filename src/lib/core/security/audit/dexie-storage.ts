/** @module Audit storage in the app's Dexie database (`audit`, `auditKeys`, `auditState` tables). */
import Dexie from 'dexie';
import type { PromptloomDb } from '../../store/db';
import type { DeviceSigningKey } from './signing';
import { AuditSeqTaken, type AuditStorage } from './storage';
import type { AuditEntry, AuditKeyRecord } from './types';

/** Rows of `auditState`: the recorded chain head and this device's signing key. */
export type AuditStateRecord =
	| { id: 'head'; seq: number; hash: string }
	| { id: 'signer'; keyId: string; privateKey: CryptoKey; publicJwk: JsonWebKey };

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
}
