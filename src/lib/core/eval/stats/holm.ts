/** @module Holm–Bonferroni adjustment of p-values (as R's `p.adjust(p, "holm")`). */

/** Adjusted p-values in the input order. */
export function holmAdjust(pValues: readonly number[]): number[] {
	const m = pValues.length;
	const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
	const adjusted = new Array<number>(m);
	let running = 0;
	order.forEach(([p, i], rank) => {
		running = Math.max(running, Math.min(1, (m - rank) * p));
		adjusted[i] = running;
	});
	return adjusted;
}
