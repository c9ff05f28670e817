/** @module Progress display for `promptloom eval`: a redrawn bar on a TTY, plain lines otherwise. */
import type { RunProgress } from '../../lib/core/eval/run/types';
import type { ModelCall } from '../../lib/core/eval/types';

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(4) : n.toFixed(2)}`;
const secs = (ms: number | null) => (ms === null ? '?' : `${Math.ceil(ms / 1000)}s`);

export function progressText(p: RunProgress, width = 24): string {
	const done = p.completed + p.failed;
	const filled = p.total ? Math.round((done / p.total) * width) : width;
	const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
	return `${bar} ${done}/${p.total}  ✓ ${p.completed}  ✗ ${p.failed}  cached ${p.cached}  tokens ${p.tokensIn + p.tokensOut}  ${usd(p.costUsd)}  ETA ${secs(p.etaMs)}`;
}

/**
 * Returns an `onProgress` that redraws one line on a TTY, or prints a plain line at every tenth
 * of the run (and at the end) when stderr is a file or a pipe.
 */
export function progressReporter(
	write: (text: string) => void,
	tty: boolean
): { update(p: RunProgress): void; end(): void } {
	let lastStep = -1;
	let drawn = false;
	return {
		update(p) {
			const done = p.completed + p.failed;
			if (tty) {
				write(`\r\u001b[2K${progressText(p)}`);
				drawn = true;
				return;
			}
			const step = p.total ? Math.floor((done / p.total) * 10) : 10;
			if (step === lastStep) return;
			lastStep = step;
			write(
				`progress: ${done}/${p.total} done, ${p.completed} ok, ${p.failed} failed, ${p.cached} cached, ${usd(p.costUsd)}\n`
			);
		},
		end() {
			if (tty && drawn) write('\n');
		}
	};
}

/**
 * Wraps model calls so that, while any has been waiting longer than `everyMs`, a line every
 * `everyMs` says how many are waiting and for how long (a provider that never answers is
 * visible long before its timeout).
 */
export function waitingReporter(
	write: (text: string) => void,
	{ everyMs = 10_000, now = Date.now }: { everyMs?: number; now?: () => number } = {}
): {
	watch<T>(what: string, work: () => Promise<T>): Promise<T>;
	track(call: ModelCall): ModelCall;
	stop(): void;
} {
	const waiting = new Map<number, { since: number; what: string }>();
	let next = 0;
	const timer = setInterval(() => {
		const slow = [...waiting.values()].filter((w) => now() - w.since >= everyMs);
		if (slow.length === 0) return;
		const oldest = slow.reduce((a, b) => (a.since <= b.since ? a : b));
		write(
			`waiting: ${slow.length} model call${slow.length === 1 ? '' : 's'} for over ${Math.floor(everyMs / 1000)} s (longest ${Math.floor((now() - oldest.since) / 1000)} s, ${oldest.what})\n`
		);
	}, everyMs);
	timer.unref?.();
	const watch = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
		const id = next++;
		waiting.set(id, { since: now(), what });
		try {
			return await work();
		} finally {
			waiting.delete(id);
		}
	};
	return {
		watch,
		track: (call) => (req) => watch(`${req.provider}:${req.model}`, () => call(req)),
		stop: () => clearInterval(timer)
	};
}
