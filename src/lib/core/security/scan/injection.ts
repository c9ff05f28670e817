/**
 * @module Prompt-injection and jailbreak detection: rules over normalised text (and over decoded
 * base64 and Unicode-tag payloads), weighed by a logistic-regression score per window of text.
 */
import { findBase64Text } from './decode';
import {
	predict,
	windowFeatures,
	type InjectionModel,
	type MetaFeature,
	type SparseVector,
	type WindowSignals
} from './injection-features';
import defaultModelJson from './injection-model.json';
import { INJECTION_RULES, type InjectionRule } from './injection-rules';
import { isInvisible, normalizeText, originalSpan, type NormalizedText } from './normalize';
import type { Finding, Severity } from './types';

const defaultModel = defaultModelJson as InjectionModel;

/** Characters per window of the learned score, and the step between windows. */
const WINDOW = 1000;
const STEP = 750;

interface Hit {
	rule: InjectionRule;
	/** Span in normalised text (where the learned score looks). */
	nStart: number;
	nEnd: number;
	/** Span in the original text. */
	start: number;
	end: number;
	leetOnly: boolean;
	decoded: boolean;
	/** Inside quotation marks: talked about rather than addressed to the model. */
	quoted?: boolean;
}

function ruleHits(n: NormalizedText, decodedSpan?: [number, number]): Hit[] {
	const hits: Hit[] = [];
	for (const rule of INJECTION_RULES) {
		const seen: [number, number][] = [];
		for (const [source, leetOnly] of [
			[n.text, false],
			[n.leet, true]
		] as const) {
			if (leetOnly && n.leet === n.text) continue;
			for (const pattern of rule.patterns) {
				for (const m of source.matchAll(pattern)) {
					let s = m.index;
					let e = s + m[0].length;
					while (s < e && /\s/.test(source[s])) s++;
					while (e > s && /\s/.test(source[e - 1])) e--;
					if (e <= s || seen.some(([a, b]) => s < b && a < e)) continue;
					seen.push([s, e]);
					const [start, end] = decodedSpan ?? originalSpan(n, s, e);
					hits.push({ rule, nStart: s, nEnd: e, start, end, leetOnly, decoded: !!decodedSpan });
				}
			}
		}
	}
	return hits;
}

const QUOTE = /["'\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb]/;

/**
 * Whether the match `[start, end)` is itself a quotation (`"ignore previous instructions"`
 * attacks): a quotation mark right before it and right after it. A quoted cell or paragraph
 * that merely contains the match does not count.
 */
function isQuotation(text: string, start: number, end: number): boolean {
	const before = text.slice(Math.max(0, start - 2), start);
	const after = text.slice(end, end + 2);
	return QUOTE.test(before) && QUOTE.test(after);
}

/** Zero-width or bidi characters between two letters (soft hyphens and emoji joiners don't count). */
function invisibleInWords(text: string): number {
	let n = 0;
	for (let i = 1; i < text.length - 1; i++) {
		const cp = text.charCodeAt(i);
		if (cp === 0x00ad || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
		if (!isInvisible(cp)) continue;
		let j = i + 1;
		while (j < text.length && isInvisible(text.charCodeAt(j))) j++;
		if (/\p{L}/u.test(text[i - 1]) && /\p{L}/u.test(text[j] ?? '')) n++;
	}
	return n;
}

/** Words that mix Latin letters with Cyrillic or Greek ones (look-alike spelling). */
function mixedScriptWords(text: string): number {
	let n = 0;
	for (const m of text.matchAll(/\p{L}+/gu)) {
		if (/[A-Za-z]/.test(m[0]) && /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]/.test(m[0])) n++;
	}
	return n;
}

/** Index of the first normalised character at or after original offset `at`. */
function normalizedIndex(n: NormalizedText, at: number): number {
	let lo = 0;
	let hi = n.from.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (n.from[mid] < at) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function lower(severity: Severity): Severity {
	return severity === 'critical' ? 'high' : severity === 'high' ? 'medium' : 'low';
}

export interface InjectionScan {
	findings: Finding[];
	/** Highest window probability. */
	score: number;
}

interface Analysis {
	n: NormalizedText;
	hits: Hit[];
	windows: { s: number; e: number; x: SparseVector; hits: number }[];
}

/** Normalises `text`, finds rule hits (also in decoded payloads) and computes window features. */
function analyze(text: string): Analysis {
	const n = normalizeText(text);
	const hits = ruleHits(n);
	for (const h of hits) h.quoted = isQuotation(text, h.start, h.end);
	const payloads = findBase64Text(text).map((run) => {
		const dn = normalizeText(run.decoded);
		const at = normalizedIndex(n, run.start);
		const decodedHits = ruleHits(dn, [run.start, run.end]).map((h) => ({
			...h,
			nStart: at,
			nEnd: at + 1
		}));
		hits.push(...decodedHits);
		return { at, leet: dn.leet, hits: decodedHits.length };
	});
	const hidden = invisibleInWords(text);
	const windows: Analysis['windows'] = [];
	const len = n.text.length;
	for (let s = 0; ; s += STEP) {
		const e = Math.min(len, s + WINDOW);
		const inWindow = hits.filter((h) => h.nStart >= s && h.nStart < Math.max(e, s + 1));
		const rules = new Map<string, number>();
		for (const h of inWindow) if (!h.quoted) rules.set(h.rule.id, (rules.get(h.rule.id) ?? 0) + 1);
		const meta: Partial<Record<MetaFeature, number>> = {
			HIDDEN_TAGS: n.tagRuns.filter((t) => t.decoded.trim().length > 0).length,
			INVISIBLE_CHARS: hidden,
			HOMOGLYPHS: n.homoglyphs > 0 ? mixedScriptWords(text) : 0,
			BASE64_PAYLOAD: payloads.filter((p) => p.at >= s && p.at < e).length,
			LEET_HIT: inWindow.filter((h) => h.leetOnly).length,
			DECODED_HIT: inWindow.filter((h) => h.decoded).length,
			RULE_KINDS: new Set(inWindow.filter((h) => !h.quoted).map((h) => h.rule.id)).size,
			QUOTED_HIT: inWindow.filter((h) => h.quoted).length
		};
		const signals: WindowSignals = { rules, meta };
		const decodedText = payloads
			.filter((p) => p.at >= s && p.at < e)
			.map((p) => p.leet)
			.join(' ');
		const x = windowFeatures(n.leet.slice(s, e) + ' ' + decodedText, signals);
		windows.push({ s, e, x, hits: inWindow.length });
		if (e >= len) break;
	}
	return { n, hits, windows };
}

/** Feature vectors of every window of `text` (for training the learned score). */
export function documentFeatures(text: string): SparseVector[] {
	return analyze(text).windows.map((w) => w.x);
}

/** Scans `text` for injection and jailbreak attempts; findings below `minScore` are dropped. */
export function scanInjection(
	text: string,
	options: { model?: InjectionModel; minScore?: number } = {}
): InjectionScan {
	const model = options.model ?? defaultModel;
	const minScore = options.minScore ?? model.threshold;
	// Without a rule hit the learned score alone must clear a bar of its own.
	const patternMin = options.minScore ?? model.patternThreshold ?? minScore;
	const analysis = analyze(text);
	const { n, hits } = analysis;
	const windows = analysis.windows.map((w) => ({ ...w, p: predict(model, w.x) }));
	const score = Math.max(0, ...windows.map((w) => w.p));
	const findings: Finding[] = [];
	for (const h of hits) {
		const p = Math.max(
			0,
			...windows.filter((w) => h.nStart >= w.s && h.nStart < Math.max(w.e, w.s + 1)).map((w) => w.p)
		);
		if (p < minScore) continue;
		const how = h.decoded
			? ' (in base64-encoded text)'
			: h.leetOnly
				? ' (written in leetspeak)'
				: '';
		findings.push({
			kind: h.rule.kind,
			type: h.rule.id,
			start: h.start,
			end: h.end,
			score: round(p),
			severity: p < 0.65 ? lower(h.rule.severity) : h.rule.severity,
			message: h.rule.message + how
		});
	}
	for (const w of windows) {
		if (w.p < patternMin || w.hits > 0) continue;
		let [start, end] = originalSpan(n, w.s, w.e);
		while (start < end && /\s/.test(text[start])) start++;
		while (end > start && /\s/.test(text[end - 1])) end--;
		if (end <= start) continue;
		findings.push({
			kind: 'injection',
			type: 'INJECTION_PATTERN',
			start,
			end,
			score: round(w.p),
			severity: w.p >= 0.8 ? 'high' : 'medium',
			message: 'Reads like a prompt injection or jailbreak attempt (learned score)'
		});
	}
	for (const t of n.tagRuns) {
		if (t.decoded.trim().length === 0) continue;
		findings.push({
			kind: 'injection',
			type: 'HIDDEN_UNICODE_TAGS',
			start: t.start,
			end: t.end,
			score: round(Math.max(0.9, score)),
			severity: 'high',
			message: `Text hidden in invisible Unicode tag characters: "${t.decoded.slice(0, 80)}"`
		});
	}
	return { findings, score: round(score) };
}

function round(x: number): number {
	return Math.round(x * 1000) / 1000;
}
