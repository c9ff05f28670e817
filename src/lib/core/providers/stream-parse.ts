/** @module Incremental Server-Sent Events and NDJSON parsers that survive arbitrary chunk splits. */

export interface SseEvent {
	/** The `event:` field, or `message` when absent. */
	event: string;
	/** All `data:` lines of the event joined with `\n`. */
	data: string;
	id?: string;
}

/**
 * Splits decoded text into lines ending in `\n`, `\r\n` or `\r`, across chunk boundaries
 * (a `\r` at the end of a chunk waits for the next one to see whether `\n` follows).
 */
export class LineSplitter {
	private buffer = '';

	/** Feeds text and returns the complete lines it finished (without terminators). */
	push(text: string): string[] {
		this.buffer += text;
		const lines: string[] = [];
		let start = 0;
		const buf = this.buffer;
		for (let i = 0; i < buf.length; i++) {
			const c = buf.charCodeAt(i);
			if (c === 10) {
				lines.push(buf.slice(start, i));
				start = i + 1;
			} else if (c === 13) {
				if (i + 1 >= buf.length) break; // undecided: keep the \r for the next chunk
				lines.push(buf.slice(start, i));
				if (buf.charCodeAt(i + 1) === 10) i++;
				start = i + 1;
			}
		}
		this.buffer = buf.slice(start);
		return lines;
	}

	/** Ends the input; returns the last unterminated line, if any. */
	end(): string | undefined {
		let rest = this.buffer;
		this.buffer = '';
		if (rest.endsWith('\r')) rest = rest.slice(0, -1);
		return rest === '' ? undefined : rest;
	}
}

/** Parses the `text/event-stream` format (WHATWG HTML §9.2) one chunk at a time. */
export class SseParser {
	private lines = new LineSplitter();
	private data: string[] = [];
	private eventName = '';
	private lastId: string | undefined;
	private hasData = false;

	/** Feeds decoded text; returns the events completed by it. */
	push(text: string): SseEvent[] {
		const events: SseEvent[] = [];
		for (const line of this.lines.push(text)) {
			const ev = this.line(line);
			if (ev) events.push(ev);
		}
		return events;
	}

	/**
	 * Ends the stream. Per the spec an event without its terminating blank line is discarded;
	 * returns true when such an incomplete event was pending (the stream was cut).
	 */
	end(): boolean {
		const rest = this.lines.end();
		if (rest !== undefined) this.line(rest);
		const incomplete = this.hasData || this.eventName !== '';
		this.reset();
		return incomplete;
	}

	private reset(): void {
		this.data = [];
		this.eventName = '';
		this.hasData = false;
	}

	private line(line: string): SseEvent | undefined {
		if (line === '') {
			if (!this.hasData) {
				this.eventName = '';
				return undefined;
			}
			const ev: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n') };
			if (this.lastId !== undefined) ev.id = this.lastId;
			this.reset();
			return ev;
		}
		if (line.startsWith(':')) return undefined;
		const colon = line.indexOf(':');
		const field = colon === -1 ? line : line.slice(0, colon);
		let value = colon === -1 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data') {
			this.data.push(value);
			this.hasData = true;
		} else if (field === 'event') this.eventName = value;
		else if (field === 'id' && !value.includes('\0')) this.lastId = value;
		return undefined;
	}
}

/** Parses newline-delimited JSON text one chunk at a time; yields raw line strings. */
export class NdjsonParser {
	private lines = new LineSplitter();

	push(text: string): string[] {
		return this.lines.push(text).filter((l) => l.trim() !== '');
	}

	/** Returns the final line when the stream did not end with a newline. */
	end(): string[] {
		const rest = this.lines.end();
		return rest !== undefined && rest.trim() !== '' ? [rest] : [];
	}
}

/** Reads a byte stream as UTF-8 text chunks, decoding multi-byte characters split across reads. */
export async function* readText(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
	const reader = body.getReader();
	const decoder = new TextDecoder('utf-8');
	let finished = false;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			const text = decoder.decode(value, { stream: true });
			if (text) yield text;
		}
		finished = true;
		const tail = decoder.decode();
		if (tail) yield tail;
	} finally {
		// A consumer that stops early (error, cancel) closes the connection instead of leaking it.
		if (!finished) await reader.cancel().catch(() => undefined);
		reader.releaseLock();
	}
}
