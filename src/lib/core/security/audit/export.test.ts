import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { hashEntry } from './hash';
import { AuditLog } from './log';
import { MemoryAuditStorage } from './storage';
import { verifyChain } from './verify';
import type { AuditEntry, AuditKeyRecord } from './types';

describe('audit export', () => {
	it('exports JSON that verifies on its own and CSV whose rows rehash to the stored hashes', async () => {
		const storage = new MemoryAuditStorage();
		const log = new AuditLog({ storage, actor: () => 'rita', now: () => 1_700_000_000_000 });
		await log.append({
			action: 'label.move',
			target: 'labelEvent:e1',
			details: { label: 'production', note: 'a, "quoted"\nline' }
		});
		await log.append({ action: 'review.approve', target: 'review:r1' });

		const json = JSON.parse(await log.exportJson('team-1')) as {
			entries: AuditEntry[];
			keys: AuditKeyRecord[];
			workspace: string;
		};
		expect(json.workspace).toBe('team-1');
		expect(await verifyChain(json.entries, json.keys)).toMatchObject({ ok: true, count: 2 });

		const csv = Papa.parse<Record<string, string>>(await log.exportCsv(), { header: true });
		expect(csv.data).toHaveLength(2);
		for (const [i, row] of csv.data.entries()) {
			const rebuilt = {
				seq: Number(row.seq),
				actor: row.actor,
				deviceKeyId: row.deviceKeyId,
				at: Number(row.at),
				action: row.action,
				target: row.target,
				details: JSON.parse(row.details) as Record<string, unknown>,
				prevHash: row.prevHash
			};
			expect(await hashEntry(rebuilt)).toBe(json.entries[i].hash);
		}
		expect(csv.data[0].time).toBe('2023-11-14T22:13:20.000Z');
	});
});
