import { describe, expect, it } from 'vitest';
import { batchedWriter, jsonLineLogger, redactingLogger, type RelayLogger } from './logger';

const JWT =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ3cyI6InRlYW0iLCJyb2xlIjoiZWRpdG9yIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('relay logs', () => {
	it('never write a token: JWTs and token= / token. values are redacted in message and fields', () => {
		const lines: string[] = [];
		const log = jsonLineLogger((l) => lines.push(l));
		log.warn(`upgrade of /team/doc?token=${JWT} failed`, {
			url: `/team/doc?a=1&token=${JWT}`,
			protocol: `promptloom, token.${JWT}`,
			nested: { error: `bad ${JWT}`, list: [JWT] },
			count: 3
		});
		expect(lines).toHaveLength(1);
		const out = lines[0];
		expect(out).not.toContain(JWT.split('.')[1]);
		expect(out).not.toContain(JWT.split('.')[2]);
		const entry = JSON.parse(out) as Record<string, unknown>;
		expect(entry.count).toBe(3);
		expect(entry.message).toBe('upgrade of /team/doc?token=[redacted] failed');
		expect(entry.protocol).toBe('promptloom, token.[redacted]');
		expect(entry.nested).toEqual({ error: 'bad [redacted token]', list: ['[redacted token]'] });
	});

	it('redacts for any logger handed to the relay', () => {
		const seen: unknown[] = [];
		const inner: RelayLogger = {
			info: (m, f) => seen.push(m, f),
			warn: () => {},
			error: () => {}
		};
		redactingLogger(inner).info(`connected ${JWT}`, { token: JWT });
		expect(JSON.stringify(seen)).not.toContain(JWT.split('.')[2]);
	});
});

describe('batched log writes', () => {
	it('writes the lines of one turn of the event loop in one piece, in order', async () => {
		const writes: string[] = [];
		const lines = batchedWriter((t) => writes.push(t));
		const log = jsonLineLogger(lines.write);
		log.info('one');
		log.warn('two');
		expect(writes).toEqual([]);
		await new Promise((r) => setImmediate(r));
		expect(writes).toHaveLength(1);
		expect(
			writes[0]
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l).message)
		).toEqual(['one', 'two']);
		log.info('three');
		lines.flush();
		expect(writes).toHaveLength(2);
		expect(writes[1]).toContain('"three"');
	});

	it('does not hold more than 64 KB back', () => {
		const writes: string[] = [];
		const lines = batchedWriter((t) => writes.push(t));
		for (let i = 0; i < 100; i++) lines.write('x'.repeat(1000) + '\n');
		expect(writes).toHaveLength(1);
		expect(writes[0].length).toBeGreaterThanOrEqual(65_536);
	});
});
