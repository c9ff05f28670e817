/** @module Version-control benchmarks: word/token diff and merge of 20 KB prompts, 1,000-version history. */
import { mutate, prose, textSnapshot } from '../src/lib/core/vcs/fixtures';
import { layoutHistory } from '../src/lib/core/vcs/graph';
import { MemoryVcsStore } from '../src/lib/core/vcs/memory-store';
import { mergeText } from '../src/lib/core/vcs/merge';
import { VcsService } from '../src/lib/core/vcs/service';
import { diffWords } from '../src/lib/core/vcs/text-diff';
import { diffTokens, loadTokenizer } from '../src/lib/core/vcs/token-diff';

const RUNS = 7;

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** Median wall time of `fn` over `runs` runs, after one warm-up run. */
async function time(fn: () => unknown, runs = RUNS): Promise<number> {
	await fn();
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		await fn();
		samples.push(performance.now() - t0);
	}
	return Math.round(median(samples) * 100) / 100;
}

/** Builds `count` versions on a prompt: main plus feature branches forked and merged back. */
async function buildHistory(count: number): Promise<{ vcs: VcsService; promptId: string }> {
	let clock = 0;
	const vcs = new VcsService({ store: new MemoryVcsStore(), now: () => ++clock });
	const promptId = 'bench-prompt';
	const base = prose(2000, 11).split('\n');
	const text = (n: number) => {
		const lines = [...base];
		lines[n % lines.length] = `edit ${n}`;
		return lines.join('\n');
	};
	let made = 1;
	const root = await vcs.init(promptId, textSnapshot(text(0)), 'bench');
	let branchNo = 0;
	let last = root.id;
	while (made < count) {
		const name = `feature-${branchNo++}`;
		await vcs.createBranch(promptId, name, last, 'bench');
		for (let i = 0; i < 4 && made < count; i++, made++) {
			await vcs.commit(promptId, textSnapshot(text(made)), {
				branch: name,
				message: `f${made}`,
				author: 'b'
			});
		}
		for (let i = 0; i < 3 && made < count; i++, made++) {
			last = (
				await vcs.commit(promptId, textSnapshot(text(made) + '\nmain'), {
					branch: 'main',
					message: `m${made}`,
					author: 'b'
				})
			).id;
		}
		if (made < count) {
			const r = await vcs.merge(promptId, { source: name, target: 'main', author: 'b' });
			if (r.status === 'conflicts') {
				const text = Object.fromEntries(r.merge.textConflicts.map((c) => [c.id, 'both' as const]));
				const metadata = Object.fromEntries(
					r.merge.metadata.conflicts.map((c) => [c.path, 'ours' as const])
				);
				last = (await vcs.completeMerge(promptId, r.merge, { text, metadata }, 'b')).id;
			} else if (r.status === 'merged' || r.status === 'fast-forward') last = r.version.id;
			made++;
		}
	}
	return { vcs, promptId };
}

export async function run(): Promise<Record<string, number>> {
	const a = prose(20_000, 1);
	const b = mutate(a, 0.05, 2);
	const c = mutate(a, 0.05, 3);

	const { vcs, promptId } = await buildHistory(1000);
	const versions = (await vcs.history(promptId)).length;
	if (versions !== 1000) throw new Error(`history bench built ${versions} versions, expected 1000`);

	await loadTokenizer();
	return {
		'vcs.diff_20kb_ms': await time(() => diffWords(a, b)),
		'vcs.token_diff_20kb_ms': await time(() => diffTokens(a, b)),
		'vcs.merge_20kb_ms': await time(() => mergeText(a, b, c)),
		'vcs.history_1000_load_ms': await time(async () => {
			const history = await vcs.history(promptId);
			layoutHistory(history, await vcs.listBranches(promptId));
		})
	};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(JSON.stringify(await run(), null, 2));
}
