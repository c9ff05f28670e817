/** @module Deterministic renames of prompts that got the same name on different devices. */
import { MAX_NAME_LENGTH } from '../model/ids';

/** What the rule needs to know of a prompt. */
export interface NamedPrompt {
	id: string;
	name: string;
	deletedAt: number | null;
}

/** The name a clashing prompt gets: `<name>-<first 6 chars of its id>` (longer if still taken). */
export function clashName(name: string, id: string, taken: (n: string) => boolean): string {
	const tail = id.toLowerCase().replace(/[^a-z0-9]/g, '');
	for (let k = 6; k <= tail.length; k++) {
		const suffix = `-${tail.slice(0, k)}`;
		const candidate =
			name.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/[-_.]+$/, '') + suffix;
		if (!taken(candidate)) return candidate;
	}
	return `${name.slice(0, MAX_NAME_LENGTH - tail.length - 1)}-${tail}`;
}

/**
 * Live prompts sharing a name (created offline on two devices) keep it only for the smallest id;
 * every other one is renamed with {@link clashName}. The result depends on the set of prompts
 * alone, never on arrival order, so every device computes the same renames and converges.
 * Returns id → new name for the prompts to rename (empty when there is no clash).
 */
export function resolveNameClashes(prompts: Iterable<NamedPrompt>): Map<string, string> {
	const byName = new Map<string, string[]>();
	const names = new Set<string>();
	for (const p of prompts) {
		if (p.deletedAt !== null) continue;
		names.add(p.name);
		const ids = byName.get(p.name);
		if (ids) ids.push(p.id);
		else byName.set(p.name, [p.id]);
	}
	const renames = new Map<string, string>();
	for (const [name, ids] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		if (ids.length < 2) continue;
		ids.sort();
		for (const id of ids.slice(1)) {
			const next = clashName(name, id, (n) => names.has(n));
			names.add(next);
			renames.set(id, next);
		}
	}
	return renames;
}
