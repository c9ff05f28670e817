import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AUDIT_KEYS_MAP, AUDIT_LOG_MAP } from '../../collab/doc-schema';
import { buildEntry } from './chain';
import { exportAuditJson, verifyAuditExport, type AuditExport } from './export';
import { AuditLog } from './log';
import { generateDeviceKey } from './signing';
import { MemoryAuditStorage } from './storage';
import { auditSlot } from './workspace-log';

/** A device: its own index document copy, storage and audit log on the workspace `team`. */
function device(actor: string, start: number) {
	const doc = new Y.Doc();
	const storage = new MemoryAuditStorage();
	let t = start;
	const log = new AuditLog({ storage, actor: () => actor, now: () => (t += 1000) });
	log.useWorkspace({ workspace: 'team', doc });
	return { doc, storage, log, actor };
}

/** Both documents receive everything the other has (as after reconnecting). */
function exchange(a: Y.Doc, b: Y.Doc) {
	const ua = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
	const ub = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
	Y.applyUpdate(b, ua);
	Y.applyUpdate(a, ub);
}

/** Two devices that appended offline (interleaved times), then merged. */
async function mergedPair() {
	const ana = device('ana', 1_700_000_000_000);
	const ben = device('ben', 1_700_000_000_500);
	for (let i = 1; i <= 3; i++)
		await ana.log.append({ action: 'commit', target: `version:a${i}`, details: { n: i } });
	for (let i = 1; i <= 2; i++)
		await ben.log.append({ action: 'label.move', target: `labelEvent:b${i}`, details: { n: i } });
	exchange(ana.doc, ben.doc);
	return { ana, ben };
}

describe('workspace audit log (one chain per device key in the index document)', () => {
	it('merges two devices’ offline appends into one time-ordered log that verifies on both', async () => {
		const { ana, ben } = await mergedPair();
		const onAna = await ana.log.list();
		expect(onAna.map((e) => e.target)).toEqual([
			'version:a1',
			'labelEvent:b1',
			'version:a2',
			'labelEvent:b2',
			'version:a3'
		]);
		expect(await ben.log.list()).toEqual(onAna);
		expect(onAna.map((e) => `${e.actor}#${e.seq}`)).toEqual([
			'ana#1',
			'ben#1',
			'ana#2',
			'ben#2',
			'ana#3'
		]);
		expect(ana.doc.getMap(AUDIT_KEYS_MAP).size).toBe(2);
		for (const d of [ana, ben])
			expect(await d.log.verify()).toEqual({ ok: true, count: 5, devices: 2 });
		expect(ana.log.scope()).toEqual({ kind: 'workspace', workspace: 'team', readOnly: false });
		// The personal (device) chain was not used.
		expect(ana.storage.rows.size).toBe(0);
	});

	it('keeps appending after a merge without conflicts, each device on its own chain', async () => {
		const { ana, ben } = await mergedPair();
		await ana.log.append({ action: 'commit', target: 'version:a4' });
		await ben.log.append({ action: 'commit', target: 'version:b3' });
		exchange(ana.doc, ben.doc);
		const keys = [...ana.doc.getMap(AUDIT_LOG_MAP).keys()];
		const anaKey = (await ana.log.deviceKey()).keyId;
		expect(keys).toContain(auditSlot(anaKey, 4));
		expect(await ben.log.verify()).toMatchObject({ ok: true, count: 7, devices: 2 });
	});

	it('pinpoints one flipped byte of stored data in an entry of the other device', async () => {
		const { ana, ben } = await mergedPair();
		// Ana's stored copy of the document, with one byte of Ben's second entry changed.
		const stored = Y.encodeStateAsUpdate(ana.doc);
		const needle = new TextEncoder().encode('labelEvent:b2');
		const at = stored.findIndex((_, i) => needle.every((b, j) => stored[i + j] === b));
		expect(at).toBeGreaterThan(0);
		stored[at + needle.length - 1] ^= 1; // "b2" → "b3"
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, stored);
		const log = new AuditLog({ storage: ana.storage, actor: () => 'ana' });
		log.useWorkspace({ workspace: 'team', doc: reloaded });
		const r = await log.verify();
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const benKey = (await ben.log.deviceKey()).keyId;
		expect(r.problems).toHaveLength(1);
		expect(r.first).toMatchObject({
			index: 3,
			seq: 2,
			deviceKeyId: benKey,
			check: 'hash_mismatch'
		});
		expect(r.first.message).toMatch(
			new RegExp(`^entry #4 \\(device ${benKey.slice(0, 8)}, seq 2\\): content does not match`)
		);
		expect((await log.list())[3].target).toBe('labelEvent:b3');
	});

	it('reports an entry signed by a key the workspace never registered as unknown_key', async () => {
		const { ana } = await mergedPair();
		const intruder = await generateDeviceKey();
		const entry = await buildEntry(
			null,
			{ action: 'role.change', target: 'member:mallory', actor: 'ana', at: 1_800_000_000_000 },
			intruder
		);
		ana.doc.getMap(AUDIT_LOG_MAP).set(auditSlot(intruder.keyId, 1), entry);
		const r = await ana.log.verify();
		expect(r.ok === false && r.problems).toEqual([
			expect.objectContaining({
				index: 5,
				deviceKeyId: intruder.keyId,
				check: 'unknown_key'
			})
		]);
	});

	it('reports an entry whose actor is not the one its key is registered to', async () => {
		const { ana, ben } = await mergedPair();
		// Ben's device signs an entry claiming to be Ana.
		await ben.log.append({ action: 'review.approve', target: 'review:r1', actor: 'ana' });
		exchange(ana.doc, ben.doc);
		const r = await ana.log.verify();
		expect(r.ok === false && r.first).toMatchObject({
			seq: 3,
			deviceKeyId: (await ben.log.deviceKey()).keyId,
			check: 'actor_mismatch'
		});
		expect(r.ok === false && r.first.message).toMatch(/names actor "ana" but its key .* "ben"/);
	});

	it('detects another device’s chain cut short after this device saw it whole', async () => {
		const { ana, ben } = await mergedPair();
		expect((await ana.log.verify()).ok).toBe(true);
		const benKey = (await ben.log.deviceKey()).keyId;
		ana.doc.getMap(AUDIT_LOG_MAP).delete(auditSlot(benKey, 2));
		const r = await ana.log.verify();
		expect(r.ok === false && r.first).toMatchObject({
			check: 'truncated',
			seq: 2,
			deviceKeyId: benKey,
			index: 1
		});
		// Gone entirely: still reported from the remembered head.
		ana.doc.getMap(AUDIT_LOG_MAP).delete(auditSlot(benKey, 1));
		const r2 = await ana.log.verify();
		expect(r2.ok === false && r2.first).toMatchObject({ check: 'truncated', index: -1 });
	});

	it('exports the workspace log as JSON that verifies on its own', async () => {
		const { ana } = await mergedPair();
		const data = JSON.parse(await ana.log.exportJson('ignored')) as AuditExport;
		expect(data).toMatchObject({ scope: 'workspace', workspace: 'team', version: 2 });
		expect(data.entries).toHaveLength(5);
		expect(await verifyAuditExport(data)).toEqual({ ok: true, count: 5, devices: 2 });
		data.entries[2].details = { n: 9 };
		expect(await verifyAuditExport(data)).toMatchObject({
			ok: false,
			first: { index: 2, check: 'hash_mismatch' }
		});
		const csv = await ana.log.exportCsv();
		expect(csv.trim().split('\n')).toHaveLength(6);
		expect(exportAuditJson('x', [], [], 0)).toContain('"scope": "device"');
	});

	it('a viewer reads the workspace log but appends to its own device log only', async () => {
		const { ana } = await mergedPair();
		const storage = new MemoryAuditStorage();
		const viewer = new AuditLog({ storage, actor: () => 'vic' });
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(ana.doc));
		viewer.useWorkspace({ workspace: 'team', doc, readOnly: true });
		await viewer.append({ action: 'member.leave', target: 'member:vic' });
		expect(doc.getMap(AUDIT_KEYS_MAP).size).toBe(2);
		expect(storage.rows.size).toBe(1);
		expect(await viewer.list()).toHaveLength(5);
		expect(await viewer.verify()).toMatchObject({ ok: true, devices: 2 });
	});

	it('goes back to the device log when the workspace is left', async () => {
		const { ana } = await mergedPair();
		let changes = 0;
		ana.log.onChange(() => changes++);
		ana.log.useWorkspace(null);
		expect(ana.log.scope()).toEqual({ kind: 'device' });
		expect(changes).toBe(1);
		expect(await ana.log.list()).toEqual([]);
		await ana.log.append({ action: 'commit', target: 'version:local' });
		expect(await ana.log.verify()).toMatchObject({ ok: true, count: 1 });
	});

	it('an act recorded before joining a workspace stays in the device log, under its own actor', async () => {
		const storage = new MemoryAuditStorage();
		let user = 'Ana Author';
		const log = new AuditLog({ storage, actor: () => user });
		// Recorded while personal; the library joins a workspace before the entry's turn comes.
		const before = log.append({ action: 'prompt.create', target: 'prompt:p1', actor: user });
		const doc = new Y.Doc();
		user = 'ana';
		log.useWorkspace({ workspace: 'team', doc });
		expect((await before).actor).toBe('Ana Author');
		expect([...storage.rows.values()].map((e) => e.target)).toEqual(['prompt:p1']);
		expect(doc.getMap(AUDIT_LOG_MAP).size).toBe(0);

		const after = await log.append({ action: 'commit', target: 'version:v1', actor: user });
		expect(after.actor).toBe('ana');
		expect(doc.getMap(AUDIT_LOG_MAP).size).toBe(1);
		expect(storage.rows.size).toBe(1);
		expect((await log.lastForTarget('prompt:p1'))?.action).toBe('prompt.create');
	});
});
