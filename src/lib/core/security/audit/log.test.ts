import { describe, expect, it } from 'vitest';
import { AuditLog } from './log';
import { generateDeviceKey, signText } from './signing';
import { MemoryAuditStorage } from './storage';
import type { AuditEntry } from './types';
import { verifyChain } from './verify';
import { hashEntry } from './hash';

async function makeLog(n: number) {
	const storage = new MemoryAuditStorage();
	let t = 1_700_000_000_000;
	const log = new AuditLog({ storage, actor: () => 'ana', now: () => t++ });
	const actions = [
		'prompt.create',
		'commit',
		'label.move',
		'role.change',
		'review.approve',
		'prompt.delete'
	];
	for (let i = 0; i < n; i++)
		await log.append({
			action: actions[i % actions.length],
			target: `prompt:p${i}`,
			details: { name: `Prompt ${i}`, note: 'ünïcode ✓', nested: { n: i, list: [1, 'two'] } }
		});
	return { storage, log };
}

/** Flips one character of a string (the smallest change that survives JSON). */
const flip = (s: string, at = Math.floor(s.length / 2)) =>
	s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) ^ 1) + s.slice(at + 1);

describe('audit log', () => {
	it('chains, signs and verifies a fresh log', async () => {
		const { log, storage } = await makeLog(6);
		const entries = await log.list();
		expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(entries[0].prevHash).toBe('0'.repeat(64));
		for (let i = 1; i < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
		const keys = await storage.keys();
		expect(keys).toHaveLength(1);
		expect(keys[0].publicJwk).not.toHaveProperty('d');
		expect(await log.verify()).toEqual({
			ok: true,
			count: 6,
			devices: 1,
			headHash: entries[5].hash
		});
	});

	it('keeps the device private key non-extractable', async () => {
		const { log } = await makeLog(1);
		const key = await log.deviceKey();
		expect(key.privateKey.extractable).toBe(false);
		await expect(crypto.subtle.exportKey('jwk', key.privateKey)).rejects.toThrow();
	});

	const fields: Array<keyof AuditEntry | 'details.name' | 'details.nested.list'> = [
		'actor',
		'deviceKeyId',
		'action',
		'target',
		'prevHash',
		'hash',
		'signature',
		'details.name',
		'details.nested.list'
	];
	for (const field of fields) {
		it(`detects and pinpoints a changed byte in ${field}`, async () => {
			const { log, storage } = await makeLog(5);
			const victim = storage.rows.get(3)!;
			if (field === 'details.name') victim.details.name = flip(String(victim.details.name));
			else if (field === 'details.nested.list')
				(victim.details.nested as { list: unknown[] }).list[1] = 'twp';
			else (victim as unknown as Record<string, string>)[field] = flip(victim[field] as string);
			const result = await log.verify();
			expect(result.ok).toBe(false);
			if (result.ok) return;
			expect(result.first.seq).toBe(3);
			expect(result.first.index).toBe(2);
			const expected: Record<string, string> = {
				prevHash: 'broken_link',
				signature: 'bad_signature',
				deviceKeyId: 'hash_mismatch'
			};
			expect(result.first.check).toBe(expected[field] ?? 'hash_mismatch');
			expect(result.first.message).toMatch(/entry #3 \(seq 3\)/);
		});
	}

	it('detects changed numbers (seq and time)', async () => {
		const { log, storage } = await makeLog(4);
		storage.rows.get(2)!.at += 1;
		let r = await log.verify();
		expect(r.ok === false && r.first).toMatchObject({ seq: 2, check: 'hash_mismatch' });
		storage.rows.get(2)!.at -= 1;
		storage.rows.get(4)!.seq = 5;
		r = await log.verify();
		expect(r.ok === false && r.first).toMatchObject({ index: 3, check: 'sequence' });
	});

	it('detects a deleted entry in the middle and at the end', async () => {
		const { log, storage } = await makeLog(5);
		const third = storage.rows.get(3)!;
		storage.rows.delete(3);
		let r = await log.verify();
		expect(r.ok === false && r.first).toMatchObject({ index: 2, seq: 4, check: 'sequence' });
		storage.rows.set(3, third);
		storage.rows.delete(5);
		r = await log.verify();
		expect(r.ok === false && r.first).toMatchObject({ check: 'truncated', seq: 5 });
	});

	it('detects reordered entries even when their seq numbers are swapped too', async () => {
		const { storage } = await makeLog(5);
		const entries = await storage.entries();
		const swapped = [entries[0], entries[2], entries[1], entries[3], entries[4]];
		let r = await verifyChain(swapped, await storage.keys());
		expect(r.ok === false && r.first).toMatchObject({ index: 1, check: 'sequence' });
		const renumbered = swapped.map((e, i) => ({ ...e, seq: i + 1 }));
		r = await verifyChain(renumbered, await storage.keys());
		expect(r.ok === false && r.first).toMatchObject({ index: 1, check: 'broken_link' });
	});

	it('rejects an entry re-signed with another key, and one from an unknown key', async () => {
		const { storage } = await makeLog(3);
		const intruder = await generateDeviceKey();
		const entries = await storage.entries();
		const forged = {
			...entries[1],
			signature: await signText(intruder.privateKey, entries[1].hash)
		};
		let r = await verifyChain([entries[0], forged, entries[2]], await storage.keys());
		expect(r.ok === false && r.first).toMatchObject({ seq: 2, check: 'bad_signature' });

		// Claiming the intruder's key id (and rehashing) is caught because that key is unknown.
		const body = { ...entries[1], deviceKeyId: intruder.keyId };
		const hash = await hashEntry(body);
		const reKeyed = { ...body, hash, signature: await signText(intruder.privateKey, hash) };
		r = await verifyChain([entries[0], reKeyed], await storage.keys());
		expect(r.ok === false && r.first).toMatchObject({ seq: 2, check: 'unknown_key' });
	});

	it('refuses a registry key that was swapped for another public key', async () => {
		const { storage, log } = await makeLog(2);
		const [record] = await storage.keys();
		const other = await generateDeviceKey();
		await storage.putKey({ ...record, publicJwk: other.publicJwk });
		const r = await log.verify();
		expect(r.ok === false && r.first).toMatchObject({ seq: 1, check: 'unknown_key' });
	});

	it('serializes concurrent appends into one unbroken chain', async () => {
		const { log } = await makeLog(0);
		await Promise.all(
			Array.from({ length: 20 }, (_, i) => log.append({ action: 'commit', target: `version:${i}` }))
		);
		const r = await log.verify();
		expect(r).toMatchObject({ ok: true, count: 20 });
	});
});
