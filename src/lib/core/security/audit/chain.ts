/** @module Building the next link of the audit chain: body, hash, signature. */
import { hashEntry } from './hash';
import { signText, type DeviceSigningKey } from './signing';
import { GENESIS_HASH, type AuditEntry, type AuditInput } from './types';

/** The last link a new entry attaches to (null for an empty chain). */
export type ChainHead = Pick<AuditEntry, 'seq' | 'hash'> | null;

/** Creates the entry that follows `head`, hashed and signed with `key`. */
export async function buildEntry(
	head: ChainHead,
	input: AuditInput & { actor: string; at: number },
	key: DeviceSigningKey
): Promise<AuditEntry> {
	const body = {
		seq: head ? head.seq + 1 : 1,
		actor: input.actor,
		deviceKeyId: key.keyId,
		at: input.at,
		action: input.action,
		target: input.target,
		details: input.details ?? {},
		prevHash: head ? head.hash : GENESIS_HASH
	};
	const hash = await hashEntry(body);
	return { ...body, hash, signature: await signText(key.privateKey, hash) };
}
