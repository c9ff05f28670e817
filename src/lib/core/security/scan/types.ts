/** @module Types of the security scanner: what a finding is and what a scan is asked to look for. */

/** What a finding is about. */
/** `bias`: insensitive wording (a hint for prompt authors, never redacted by default). */
export type FindingKind = 'injection' | 'jailbreak' | 'pii' | 'secret' | 'unsafe' | 'bias';

/** Every kind, in the order reports list them. */
export const FINDING_KINDS: readonly FindingKind[] = [
	'injection',
	'jailbreak',
	'pii',
	'secret',
	'unsafe',
	'bias'
];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * One thing the scanner found. Offsets are UTF-16 code unit indices into the scanned text (as
 * JavaScript strings index), `end` exclusive, so `text.slice(start, end)` is what was found.
 */
export interface Finding {
	kind: FindingKind;
	/**
	 * Entity or rule type: Presidio entity names for PII (`EMAIL_ADDRESS`, `CREDIT_CARD`, …),
	 * upper-case rule names for the other kinds (`IGNORE_INSTRUCTIONS`, `GITHUB_TOKEN`, …).
	 */
	type: string;
	start: number;
	end: number;
	/** Confidence 0–1. */
	score: number;
	severity: Severity;
	/** One line for people: what this is and why it was flagged. */
	message: string;
}

export interface ScanOptions {
	/** Kinds to look for (default: all). */
	kinds?: readonly FindingKind[];
	/** Findings below this score are dropped (default 0.5). */
	minScore?: number;
	/** Default region for phone numbers written without a country code (default `US`). */
	defaultPhoneRegion?: string;
}

export interface ScanResult {
	findings: Finding[];
	/** Probability 0–1 that the text as a whole is a prompt injection or jailbreak attempt. */
	injectionScore: number;
}
