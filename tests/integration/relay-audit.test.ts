import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AUDIT_KEYS_MAP, AUDIT_LOG_MAP } from '../../src/lib/core/collab/doc-schema';
import { buildEntry } from '../../src/lib/core/security/audit/chain';
import { AuditLog } from '../../src/lib/core/security/audit/log';
import { generateDeviceKey } from '../../src/lib/core/security/audit/signing';
import { MemoryAuditStorage } from '../../src/lib/core/security/audit/storage';
import type { AuditEntry } from '../../src/lib/core/security/audit/types';
import { auditSlot } from '../../src/lib/core/security/audit/workspace-log';
import {
	collectRelayErrors,
	relayScope,
	waitFor,
	type TestRelay
} from '../../sync-server/testing/harness';

const relays = relayScope(afterEach);
const ROOM = 'team/index';

/** A member's device: a stock client of the index room and an audit log on its document. */
async function member(relay: TestRelay, user: string) {
	const client = relays.client(relay, ROOM, await relay.token('team', 'editor', user));
	const errors = collectRelayErrors(client);
	await waitFor(() => client.provider.synced, `${user} synced`);
	const log = new AuditLog({ storage: new MemoryAuditStorage(), actor: () => user });
	log.useWorkspace({ workspace: 'team', doc: client.doc });
	return { client, errors, log, doc: client.doc };
}

const entriesOf = (doc: Y.Doc) => doc.getMap(AUDIT_LOG_MAP).size;

/** What a newcomer receives from the relay. */
async function relayCopy(relay: TestRelay, expected: number) {
	const c = relays.client(relay, ROOM, await relay.token('team', 'editor', 'auditor'));
	await waitFor(() => c.provider.synced && entriesOf(c.doc) >= expected, 'relay copy');
	return c.doc;
}

/** Two members with two signed entries each, accepted and merged by the relay. */
async function workspace() {
	const relay = await relays.start();
	const ana = await member(relay, 'ana');
	const ben = await member(relay, 'ben');
	for (const m of [ana, ben])
		for (let i = 1; i <= 2; i++) await m.log.append({ action: 'commit', target: `version:${i}` });
	await waitFor(() => entriesOf(ana.doc) === 4 && entriesOf(ben.doc) === 4, 'both see 4');
	const anaKey = (await ana.log.deviceKey()).keyId;
	return { relay, ana, ben, anaKey };
}

describe('relay guard of the workspace audit log', () => {
	it('accepts each member’s signed appends and serves the merged log, which verifies', async () => {
		const { relay, ana, ben } = await workspace();
		expect(ana.errors).toEqual([]);
		expect(ben.errors).toEqual([]);
		const copy = await relayCopy(relay, 4);
		expect(copy.getMap(AUDIT_KEYS_MAP).size).toBe(2);
		const reader = new AuditLog({ storage: new MemoryAuditStorage(), actor: () => 'auditor' });
		reader.useWorkspace({ workspace: 'team', doc: copy, readOnly: true });
		expect(await reader.verify()).toEqual({ ok: true, count: 4, devices: 2 });
	});

	it('accepts a device publishing its own key again, but not a key record changed in substance', async () => {
		const { relay, ana, anaKey } = await workspace();
		const keys = ana.doc.getMap(AUDIT_KEYS_MAP);
		const record = keys.get(anaKey) as { addedAt: number; actor: string };
		keys.set(anaKey, { ...record, addedAt: record.addedAt + 1000 });
		const again = await member(relay, 'ana');
		await waitFor(
			() =>
				(again.doc.getMap(AUDIT_KEYS_MAP).get(anaKey) as typeof record)?.addedAt !== record.addedAt,
			'the republished record reaches others'
		);
		expect(ana.errors).toEqual([]);

		keys.set(anaKey, { ...record, actor: 'mallory' });
		await waitFor(() => ana.errors.length === 1, 'changed key refused');
		expect(ana.errors[0].message).toMatch(/already registered: key records cannot be changed/);
	});

	it('refuses rewriting or deleting an entry already stored', async () => {
		const { relay, ben, anaKey } = await workspace();
		const slot = auditSlot(anaKey, 1);
		const original = ben.doc.getMap(AUDIT_LOG_MAP).get(slot) as AuditEntry;
		ben.doc.getMap(AUDIT_LOG_MAP).set(slot, { ...original, target: 'version:X' });
		await waitFor(() => ben.errors.length === 1, 'rewrite refused');
		expect(ben.errors[0]).toMatchObject({ code: 'forbidden' });
		expect(ben.errors[0].message).toMatch(
			/is already stored: entries cannot be changed or removed/
		);

		const other = await member(relay, 'ben');
		other.doc.getMap(AUDIT_LOG_MAP).delete(auditSlot(anaKey, 2));
		await waitFor(() => other.errors.length === 1, 'delete refused');
		expect(other.errors[0].message).toMatch(/cannot be changed or removed/);

		const copy = await relayCopy(relay, 4);
		expect(entriesOf(copy)).toBe(4);
		expect((copy.getMap(AUDIT_LOG_MAP).get(slot) as AuditEntry).target).toBe('version:1');
	});

	it('refuses appends to another member’s chain, in another’s name, or with a forged link', async () => {
		const { relay, anaKey } = await workspace();
		const attempt = async (write: (m: Awaited<ReturnType<typeof member>>) => Promise<void>) => {
			const ben = await member(relay, 'ben');
			await write(ben);
			await waitFor(() => ben.errors.length === 1, 'refused');
			return ben.errors[0].message;
		};
		// An entry signed by Ben's key, written as the next link of Ana's chain.
		expect(
			await attempt(async (ben) => {
				const log = ben.doc.getMap(AUDIT_LOG_MAP);
				const prev = log.get(auditSlot(anaKey, 2)) as AuditEntry;
				const key = await ben.log.deviceKey();
				const entry = await buildEntry(
					prev,
					{ action: 'commit', target: 'version:fake', actor: 'ben', at: Date.now() },
					key
				);
				log.set(auditSlot(anaKey, 3), entry);
			})
		).toMatch(/refused \(misplaced\)/);
		// Ben's own device claiming to be Ana.
		expect(
			await attempt(async (ben) => {
				await ben.log.append({ action: 'review.approve', target: 'review:r1', actor: 'ana' });
			})
		).toMatch(/names actor "ana" but you are "ben"/);
		// A new key registered in Ana's name.
		expect(
			await attempt(async (ben) => {
				const key = await generateDeviceKey();
				ben.doc
					.getMap(AUDIT_KEYS_MAP)
					.set(key.keyId, { keyId: key.keyId, actor: 'ana', publicJwk: key.publicJwk, addedAt: 1 });
			})
		).toMatch(/is registered to "ana" but you are "ben"/);
		// A link that skips the previous entry's hash.
		expect(
			await attempt(async (ben) => {
				const key = await ben.log.deviceKey();
				// The first entry of a chain must link to the genesis hash.
				const entry = await buildEntry(
					{ seq: 0, hash: '1'.repeat(64) },
					{ action: 'commit', target: 'version:y', actor: 'ben', at: Date.now() },
					key
				);
				ben.doc.getMap(AUDIT_LOG_MAP).set(auditSlot(key.keyId, 1), entry);
			})
		).toMatch(/refused \(broken_link\)/);
		expect(entriesOf(await relayCopy(relay, 4))).toBe(4);
	});
});
