/** @module Cluster labels: the terms most specific to each cluster by TF-IDF. */

const STOP_WORDS = new Set(
	(
		'a an the and or but if then else of to in on at by for with from as is are was were be been ' +
		'this that these those it its you your we our they their he she i me my not no do does did ' +
		'can could should would will shall may might must have has had into about over under than ' +
		'so such very just also any all each every some more most other only own same too here there ' +
		'what which who whom when where why how user assistant system please following given use using'
	).split(' ')
);

/** Lower-case words of 3+ letters that are not stop words or template syntax. */
export function terms(text: string): string[] {
	return (text.toLowerCase().match(/[a-z\u00c0-\u024f][a-z\u00c0-\u024f0-9]{2,}/g) ?? []).filter(
		(t) => !STOP_WORDS.has(t)
	);
}

/**
 * For each cluster, its `top` terms by TF-IDF where a cluster's texts form one document:
 * frequent inside the cluster, rare in the others.
 */
export function clusterLabels(
	texts: string[],
	assignments: number[],
	k: number,
	top = 3
): string[][] {
	const tf = Array.from({ length: k }, () => new Map<string, number>());
	texts.forEach((text, i) => {
		const c = assignments[i];
		if (c < 0 || c >= k) return;
		for (const t of terms(text)) tf[c].set(t, (tf[c].get(t) ?? 0) + 1);
	});
	const df = new Map<string, number>();
	for (const m of tf) for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1);
	return tf.map((m) =>
		[...m.entries()]
			.map(([t, n]) => ({ t, score: n * Math.log(1 + k / df.get(t)!) }))
			.sort((a, b) => b.score - a.score || a.t.localeCompare(b.t))
			.slice(0, top)
			.map((x) => x.t)
	);
}
