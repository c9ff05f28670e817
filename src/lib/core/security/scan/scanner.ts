/** @module One call that runs every detector the caller asks for and returns sorted findings. */
import { scanInjection } from './injection';
import { scanPii } from './pii';
import { scanSecrets } from './secrets';
import {
	FINDING_KINDS,
	type Finding,
	type FindingKind,
	type ScanOptions,
	type ScanResult
} from './types';
import { scanUnsafe } from './unsafe';
import { scanBias } from './bias';

/** Longest text scanned in one call (characters); longer text is scanned in overlapping parts. */
export const MAX_SCAN_CHARS = 200_000;

/**
 * Scans `text` for injection/jailbreak attempts, PII, secrets and unsafe content. Pure and
 * synchronous: runs the same in a browser, a worker, Node and the relay.
 */
export function scanText(text: string, options: ScanOptions = {}): ScanResult {
	const kinds = new Set<FindingKind>(options.kinds ?? FINDING_KINDS);
	const minScore = options.minScore ?? 0.5;
	const findings: Finding[] = [];
	let injectionScore = 0;
	for (let offset = 0; offset < Math.max(1, text.length); offset += MAX_SCAN_CHARS) {
		// Parts overlap by 1,000 characters so nothing straddling a boundary is missed.
		const part = text.slice(Math.max(0, offset - 1000), offset + MAX_SCAN_CHARS);
		const base = Math.max(0, offset - 1000);
		const local: Finding[] = [];
		if (kinds.has('injection') || kinds.has('jailbreak')) {
			// Without an explicit bar, the learned model's own decision thresholds apply.
			const inj = scanInjection(part, { minScore: options.minScore });
			injectionScore = Math.max(injectionScore, inj.score);
			local.push(...inj.findings.filter((f) => kinds.has(f.kind)));
		}
		if (kinds.has('pii'))
			local.push(...scanPii(part, { minScore, defaultPhoneRegion: options.defaultPhoneRegion }));
		if (kinds.has('secret')) local.push(...scanSecrets(part, { minScore }));
		if (kinds.has('unsafe')) local.push(...scanUnsafe(part).filter((f) => f.score >= minScore));
		if (kinds.has('bias')) local.push(...scanBias(part).filter((f) => f.score >= minScore));
		for (const f of local) {
			const moved = { ...f, start: f.start + base, end: f.end + base };
			if (
				!findings.some(
					(g) => g.type === moved.type && g.start === moved.start && g.end === moved.end
				)
			)
				findings.push(moved);
		}
	}
	findings.sort((a, b) => a.start - b.start || b.end - a.end || a.kind.localeCompare(b.kind));
	return { findings, injectionScore };
}

/** Parses a `--kinds`-style list (`pii,secrets`); `secrets` and `secret` both work. */
export function parseKinds(list: string): FindingKind[] {
	const out: FindingKind[] = [];
	for (const raw of list.split(',')) {
		const k = raw.trim().toLowerCase();
		if (!k) continue;
		const kind = (k === 'secrets' ? 'secret' : k) as FindingKind;
		if (!FINDING_KINDS.includes(kind))
			throw new Error(`unknown kind "${raw.trim()}" (expected ${FINDING_KINDS.join(', ')})`);
		if (!out.includes(kind)) out.push(kind);
	}
	if (out.length === 0) throw new Error('no kinds given');
	return out;
}
