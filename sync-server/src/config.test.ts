import { describe, expect, it } from 'vitest';
import { DEFAULT_RELAY_CONFIG, resolveRelayConfig } from './config';

describe('relay config', () => {
	it('fills defaults and keeps overrides', () => {
		const c = resolveRelayConfig({ maxMessageBytes: 10 });
		expect(c.maxMessageBytes).toBe(10);
		expect(c.persistBatchMs).toBe(DEFAULT_RELAY_CONFIG.persistBatchMs);
	});

	it('names the field of an invalid limit', () => {
		expect(() => resolveRelayConfig({ maxConnectionsPerToken: -1 })).toThrow(
			/maxConnectionsPerToken/
		);
		expect(() => resolveRelayConfig({ maxMessageBytes: 0 })).toThrow(
			/maxMessageBytes must be greater than 0/
		);
		expect(() => resolveRelayConfig({ persistBatchMs: Number.NaN })).toThrow(/persistBatchMs/);
		expect(resolveRelayConfig({ persistBatchMs: 0 }).persistBatchMs).toBe(0);
		expect(resolveRelayConfig({ fanoutIntervalMs: 0 }).fanoutIntervalMs).toBe(0);
		expect(() => resolveRelayConfig({ fanoutIntervalMs: -1 })).toThrow(/fanoutIntervalMs/);
	});
});
