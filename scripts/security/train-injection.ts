/**
 * Trains the learned injection score: logistic regression (Adam, L2) over the scanner's window
 * features (rule hits, obfuscation signals, hashed character n-grams and word pairs), on the
 * `train` split of bench/security/injection.jsonl plus the training-only texts of
 * injection-train-extra.ts (never the held-out split). Writes
 * src/lib/core/security/scan/injection-model.json and prints train and held-out figures.
 * Run: npx tsx scripts/security/train-injection.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import {
	FEATURE_COUNT,
	HASH_BITS,
	META_FEATURES,
	predict,
	type InjectionModel,
	type SparseVector
} from '../../src/lib/core/security/scan/injection-features';
import { INJECTION_RULE_IDS } from '../../src/lib/core/security/scan/injection-rules';
import { documentFeatures } from '../../src/lib/core/security/scan/injection';
import { mulberry32 } from '../../src/lib/core/util/prng';
import { EXTRA_ATTACKS, EXTRA_CARRIERS, EXTRA_HARD_NEGATIVES } from './injection-train-extra';

interface Row {
	group: string;
	text: string;
	label: 0 | 1;
	split: 'train' | 'test';
}

const rows: Row[] = readFileSync('bench/security/injection.jsonl', 'utf8')
	.split('\n')
	.filter(Boolean)
	.map((l) => JSON.parse(l));
/** The extra texts as they arrive: plain, inside a carrier text, and (negatives) shouted. */
function extraRows(): Row[] {
	const out: Row[] = [];
	const add = (texts: string[], label: 0 | 1, prefix: string) =>
		texts.forEach((text, i) => {
			const group = `${prefix}-${i}`;
			const [pre, post] = EXTRA_CARRIERS[i % EXTRA_CARRIERS.length];
			out.push({ group, text, label, split: 'train' });
			out.push({ group, text: pre + text + post, label, split: 'train' });
			if (label === 0) out.push({ group, text: text.toUpperCase(), label, split: 'train' });
		});
	add(EXTRA_ATTACKS, 1, 'extra-attack');
	add(EXTRA_HARD_NEGATIVES, 0, 'extra-hard');
	return out;
}
const train = [...rows.filter((r) => r.split === 'train'), ...extraRows()];
const test = rows.filter((r) => r.split === 'test');

const featuresOf = new Map<string, SparseVector[]>();
const windowsOf = (text: string) => {
	let f = featuresOf.get(text);
	if (!f) featuresOf.set(text, (f = documentFeatures(text)));
	return f;
};

/** Fits weights and bias on `set` (every window of a text carries the text's label). */
function fit(set: Row[], epochs: number, l2: number): { w: Float64Array; bias: number } {
	const examples: { x: SparseVector; y: number }[] = [];
	for (const r of set) for (const x of windowsOf(r.text)) examples.push({ x, y: r.label });
	const LR = 0.05;
	const w = new Float64Array(FEATURE_COUNT);
	const m = new Float64Array(FEATURE_COUNT);
	const v = new Float64Array(FEATURE_COUNT);
	let bias = 0;
	let mb = 0;
	let vb = 0;
	const rand = mulberry32(7);
	let t = 0;
	const positives = examples.filter((e) => e.y === 1).length;
	// Balance the classes so the smaller one is not drowned out.
	const weightOf = (y: number) =>
		y === 1
			? examples.length / (2 * positives)
			: examples.length / (2 * (examples.length - positives));
	for (let epoch = 0; epoch < epochs; epoch++) {
		const order = examples.map((_, i) => i).sort(() => rand() - 0.5);
		for (const i of order) {
			const { x, y } = examples[i];
			let z = bias;
			for (const [k, val] of x) z += w[k] * val;
			const p = 1 / (1 + Math.exp(-z));
			const g = (p - y) * weightOf(y);
			t++;
			const c1 = 1 - 0.9 ** t;
			const c2 = 1 - 0.999 ** t;
			for (const [k, val] of x) {
				const gk = g * val + l2 * w[k];
				m[k] = 0.9 * m[k] + 0.1 * gk;
				v[k] = 0.999 * v[k] + 0.001 * gk * gk;
				w[k] -= (LR * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + 1e-8);
			}
			mb = 0.9 * mb + 0.1 * g;
			vb = 0.999 * vb + 0.001 * g * g;
			bias -= (LR * (mb / c1)) / (Math.sqrt(vb / c2) + 1e-8);
		}
	}
	return { w, bias };
}

function asModel(
	fitted: { w: Float64Array; bias: number },
	set: Row[],
	epochs: number,
	l2: number
): InjectionModel {
	return {
		format: 'promptloom-injection-lr',
		version: 1,
		hashBits: HASH_BITS,
		rules: [...INJECTION_RULE_IDS],
		meta: [...META_FEATURES],
		bias: Math.round(fitted.bias * 1e4) / 1e4,
		weights: Array.from(fitted.w, (x) => Math.round(x * 1e4) / 1e4),
		threshold: 0.5,
		trainedOn: {
			cases: set.length,
			positives: set.filter((r) => r.label === 1).length,
			epochs,
			l2
		}
	};
}

// Hyper-parameters and the decision threshold by 5-fold cross-validation over groups of the
// training split (the held-out split is not looked at until the end).
const folds = 5;
const foldOf = (g: string) => {
	let h = 7;
	for (let i = 0; i < g.length; i++) h = Math.imul(h ^ g.charCodeAt(i), 16777619);
	return (h >>> 0) % folds;
};
/** Highest false-positive rate on negatives that a threshold may give in cross-validation. */
const MAX_CV_FPR = 0.03;

/** Out-of-fold scores of one text: its best window with a rule hit, and without one. */
interface Scored {
	pRule: number;
	pPattern: number;
	y: number;
}

/** Feature indices that mean "a rule matched in this window" (as the scanner counts hits). */
const HIT_FEATURES = new Set([
	...INJECTION_RULE_IDS.map((_, i) => i),
	...(['LEET_HIT', 'DECODED_HIT', 'QUOTED_HIT'] as const).map(
		(m) => INJECTION_RULE_IDS.length + META_FEATURES.indexOf(m)
	)
]);

function scoreText(model: InjectionModel, r: Row): Scored {
	let pRule = 0;
	let pPattern = 0;
	for (const x of windowsOf(r.text)) {
		const p = predict(model, x);
		if ([...x.keys()].some((k) => HIT_FEATURES.has(k))) pRule = Math.max(pRule, p);
		else pPattern = Math.max(pPattern, p);
	}
	return { pRule, pPattern, y: r.label };
}

/**
 * The thresholds with the best F1 among those whose false-positive rate stays within the cap:
 * one for windows where a rule matched, a stricter-or-equal one for the learned score alone.
 */
function pickThresholds(scored: Scored[]): { threshold: number; pattern: number; f1: number } {
	let best = { threshold: 0.5, pattern: 0.5, f1: -1 };
	for (let t = 0.3; t <= 0.951; t += 0.025) {
		for (let u = t; u <= 0.991; u += 0.025) {
			let tp = 0;
			let fp = 0;
			let fn = 0;
			let tn = 0;
			for (const { pRule, pPattern, y } of scored) {
				const flagged = pRule >= t || pPattern >= u;
				if (flagged && y) tp++;
				else if (flagged) fp++;
				else if (y) fn++;
				else tn++;
			}
			const f1 = (2 * tp) / (2 * tp + fp + fn);
			if (fp / (fp + tn) <= MAX_CV_FPR && f1 > best.f1 + 1e-9)
				best = { threshold: Math.round(t * 1000) / 1000, pattern: Math.round(u * 1000) / 1000, f1 };
		}
	}
	return best;
}

let best = { f1: -1, epochs: 0, l2: 0, threshold: 0.5, pattern: 0.5 };
for (const epochs of [10, 30]) {
	for (const l2 of [1e-4, 1e-3, 1e-2]) {
		const scored: Scored[] = [];
		for (let k = 0; k < folds; k++) {
			const inFold = (r: Row) => foldOf(r.group) === k;
			const model = asModel(
				fit(
					train.filter((r) => !inFold(r)),
					epochs,
					l2
				),
				train,
				epochs,
				l2
			);
			for (const r of train.filter(inFold)) {
				const sc = scoreText(model, r);
				scored.push(sc);
				const p = Math.max(sc.pRule, sc.pPattern);
				if (
					process.env.SHOW_CV_ERRORS &&
					epochs === 10 &&
					l2 === 1e-4 &&
					p >= 0.5 !== (r.label === 1)
				)
					console.log(r.label ? 'FN' : 'FP', p.toFixed(2), JSON.stringify(r.text.slice(0, 120)));
			}
		}
		const { threshold, pattern, f1 } = pickThresholds(scored);
		console.log(`cv epochs=${epochs} l2=${l2}: f1 ${f1.toFixed(3)} at ${threshold} / ${pattern}`);
		if (f1 > best.f1) best = { f1, epochs, l2, threshold, pattern };
	}
}
const EPOCHS = best.epochs;
const L2 = best.l2;
const model: InjectionModel = {
	...asModel(fit(train, EPOCHS, L2), train, EPOCHS, L2),
	threshold: best.threshold,
	patternThreshold: best.pattern
};

function evaluate(model: InjectionModel, set: Row[]) {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	let tn = 0;
	for (const r of set) {
		const sc = scoreText(model, r);
		const flagged =
			sc.pRule >= model.threshold || sc.pPattern >= (model.patternThreshold ?? model.threshold);
		if (flagged && r.label) tp++;
		else if (flagged) fp++;
		else if (r.label) fn++;
		else tn++;
	}
	const precision = tp / (tp + fp || 1);
	const recall = tp / (tp + fn || 1);
	const f1 = (2 * precision * recall) / (precision + recall || 1);
	return { tp, fp, fn, tn, f1, precision, recall, fpr: fp / (fp + tn || 1) };
}

// Written as Prettier formats it, so `npm run check` passes without another step.
const MODEL_PATH = 'src/lib/core/security/scan/injection-model.json';
writeFileSync(
	MODEL_PATH,
	await format(JSON.stringify(model), {
		...(await resolveConfig(MODEL_PATH)),
		filepath: MODEL_PATH
	})
);
console.log(
	`chosen: epochs=${EPOCHS} l2=${L2} thresholds ${best.threshold} / ${best.pattern} (cv f1 ${best.f1.toFixed(3)})`
);
console.log('train', evaluate(model, train));
console.log('test (held out)', evaluate(model, test));
