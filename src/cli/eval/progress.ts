/** @module Progress display for `promptloom eval`: a redrawn bar on a TTY, plain lines otherwise. */
import type { RunProgress } from '../../lib/core/eval/run/types';

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
