import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter, NdjsonParser, SseParser, readText } from './stream-parse';

function splitAt(text: string, cuts: number[]): string[] {
	const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
	const out: string[] = [];
	let prev = 0;
	for (const p of points) {
		out.push(text.slice(prev, p));
		prev = p;
	}
	out.push(text.slice(prev));
	return out;
}

const STREAM =
	': comment\r\n' +
	'event: message_start\r\ndata: {"a":1}\r\n\r\n' +
	'data: line one\ndata: line two\n\n' +
	'id: 7\rdata: cr only\r\r' +
	'data:no-space\n\n' +
	'event: empty\n\n' +
	'data: [DONE]\n\n';

describe('SseParser', () => {
	it('parses fields, multi-line data, comments and all three line endings', () => {
		const p = new SseParser();
		const events = p.push(STREAM);
		expect(p.end()).toBe(false);
		expect(events).toEqual([
			{ event: 'message_start', data: '{"a":1}' },
			{ event: 'message', data: 'line one\nline two' },
			{ event: 'message', data: 'cr only', id: '7' },
			{ event: 'message', data: 'no-space', id: '7' },
			{ event: 'message', data: '[DONE]', id: '7' }
		]);
	});

	it('yields the same events however the input is split into chunks', () => {
		const whole = new SseParser().push(STREAM);
		fc.assert(
			fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
				const p = new SseParser();
				const events = splitAt(STREAM, cuts).flatMap((c) => p.push(c));
				expect(events).toEqual(whole);
			})
		);
	});

	it('reports an event left without its blank line at the end as incomplete and drops it', () => {
		const p = new SseParser();
		expect(p.push('data: {"a":1}\n\ndata: {"half":')).toHaveLength(1);
		expect(p.end()).toBe(true);
	});
});

describe('LineSplitter', () => {
	it('treats a CR at the end of one chunk and LF at the start of the next as one line break', () => {
		const s = new LineSplitter();
		expect(s.push('a\r')).toEqual([]);
		expect(s.push('\nb\n')).toEqual(['a', 'b']);
		expect(s.end()).toBeUndefined();
	});
});

describe('NdjsonParser', () => {
	it('reassembles lines split across chunks and keeps a final line without newline', () => {
		const p = new NdjsonParser();
		expect(p.push('{"a":')).toEqual([]);
		expect(p.push('1}\n\n{"b"')).toEqual(['{"a":1}']);
		expect(p.push(':2}')).toEqual([]);
		expect(p.end()).toEqual(['{"b":2}']);
	});
});

describe('readText', () => {
	it('decodes multi-byte characters split across reads', async () => {
		const bytes = new TextEncoder().encode('héllo 🌍');
		const stream = new ReadableStream<Uint8Array>({
			start(c) {
				for (const b of bytes) c.enqueue(new Uint8Array([b]));
				c.close();
			}
		});
		let text = '';
		for await (const t of readText(stream)) text += t;
		expect(text).toBe('héllo 🌍');
	});
});
