import { describe, expect, it } from 'vitest';
import { BackoffGate } from './backoff-gate';
import { RelayCollabApi } from './rest-api';

const down = () => Promise.reject(new TypeError('fetch failed'));

describe('BackoffGate', () => {
	it('sends nothing while closed after a network failure, with a growing jittered delay', async () => {
		let t = 0;
		const gate = new BackoffGate({ baseMs: 1000, maxMs: 8000, now: () => t, random: () => 1 });
		let sent = 0;
		const request = () => {
			sent++;
			return down();
		};
		const waits: number[] = [];
		for (let round = 0; round < 5; round++) {
			await expect(gate.run('relay', request, () => true)).rejects.toThrow('fetch failed');
			waits.push(gate.waitMs);
			// Callers polling in a loop while it is closed reach no network.
			for (let i = 0; i < 20; i++)
				await expect(gate.run('relay', request, () => true)).rejects.toThrow(/trying again in/);
			t += gate.waitMs;
		}
		expect(sent).toBe(5);
		expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
		expect(
			await gate.run(
				'relay',
				async () => 'ok',
				() => true
			)
		).toBe('ok');
		expect(gate.waitMs).toBe(0);
		gate.dispose();
	});

	it('jitters between half and the whole delay', async () => {
		const gate = new BackoffGate({ baseMs: 1000, now: () => 0, random: () => 0 });
		await expect(gate.run('relay', down, () => true)).rejects.toThrow();
		expect(gate.waitMs).toBe(500);
	});

	it('sends nothing while the device is offline, and failures other than the network do not close it', async () => {
		let online = false;
		let sent = 0;
		const gate = new BackoffGate({ online: () => online });
		await expect(
			gate.run(
				'relay',
				async () => sent++,
				() => true
			)
		).rejects.toThrow(/this device is offline/);
		expect(sent).toBe(0);
		online = true;
		await expect(
			gate.run(
				'relay',
				() => Promise.reject(new Error('403')),
				() => false
			)
		).rejects.toThrow('403');
		expect(gate.waitMs).toBe(0);
	});

	it('keeps a relay API client polling a dead relay to one request per delay', async () => {
		let sent = 0;
		const fetcher = (() => {
			sent++;
			return down();
		}) as typeof fetch;
		const gate = new BackoffGate({ now: () => 0 });
		const api = new RelayCollabApi(
			{ relay: 'ws://127.0.0.1:1', workspace: 'team', token: 't' },
			fetcher,
			gate
		);
		const errors = await Promise.all(
			Array.from({ length: 50 }, () => api.comments('p1').catch((e: Error) => e.message))
		);
		// Concurrent calls already in flight all go out once; later ones wait.
		const before = sent;
		for (let i = 0; i < 50; i++) await api.comments('p1').catch(() => {});
		expect(sent).toBe(before);
		expect(errors[0]).toMatch(/cannot be reached/);
	});
});
