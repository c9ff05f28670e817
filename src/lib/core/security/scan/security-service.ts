/**
 * @module The app's security service: the workspace policy (kept in local settings), previews
 * of what a call would send, scanning text and the whole library.
 */
import type { ChatMessage } from '../../providers/types';
import type { PromptloomDb } from '../../store/db';
import { guardMessages, type GuardReport } from './guard';
import type { LibraryFieldFindings } from './library-scan';
import type { AuditVerification } from '../audit/types';
import { buildComplianceReport, type ComplianceReport } from './compliance-report';
import { recordWaiver, securityLabelGate, type LabelGateDeps } from './label-gate';
import type { AuditEntry } from '../audit/types';
import { DEFAULT_POLICY, parsePolicy, securityPolicySchema, type SecurityPolicy } from './policy';
import { scanText } from './scanner';
import { inProcessScanner, type ItemScanner } from './scan-worker';
import type { ScanOptions, ScanResult } from './types';

/** Settings key of the policy. */
export const POLICY_KEY = 'security.policy';

export class SecurityService {
	readonly #db: PromptloomDb;
	#cached: SecurityPolicy | null = null;
	readonly #listeners = new Set<(p: SecurityPolicy) => void>();
	readonly #scanner: ItemScanner;
	#gate: LabelGateDeps | null = null;

	/** `scanner`: where library scans run (browsers pass a Web Worker; default in-process). */
	constructor(db: PromptloomDb, options: { scanner?: ItemScanner } = {}) {
		this.#db = db;
		this.#scanner = options.scanner ?? inProcessScanner;
	}

	/** The policy in force (the default until one is saved). */
	async policy(): Promise<SecurityPolicy> {
		if (this.#cached) return this.#cached;
		const rec = await this.#db.settings.get(POLICY_KEY);
		this.#cached = rec ? parsePolicy(rec.value) : structuredClone(DEFAULT_POLICY);
		return this.#cached;
	}

	/** Saves a policy (validated); listeners hear about it. */
	async setPolicy(policy: SecurityPolicy): Promise<SecurityPolicy> {
		const valid = securityPolicySchema.parse(policy);
		await this.#db.settings.put({ key: POLICY_KEY, value: valid });
		this.#cached = valid;
		for (const l of this.#listeners) l(valid);
		return valid;
	}

	/** Back to the default policy. */
	resetPolicy(): Promise<SecurityPolicy> {
		return this.setPolicy(structuredClone(DEFAULT_POLICY));
	}

	/** Called with the new policy after each change; returns an unsubscribe function. */
	onPolicyChange(listener: (p: SecurityPolicy) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** What the guard would do to these messages under the current policy (nothing is sent). */
	async preview(messages: readonly ChatMessage[]): Promise<GuardReport> {
		return guardMessages(messages, await this.policy());
	}

	/** Scans one text (editor diagnostics). */
	scan(text: string, options?: ScanOptions): ScanResult {
		return scanText(text, options);
	}

	/** Scans every prompt and dataset of the library; only fields with findings are listed. */
	async scanLibrary(options?: ScanOptions): Promise<LibraryFieldFindings[]> {
		const [prompts, datasets] = await Promise.all([
			this.#db.prompts.filter((p) => !p.deletedAt).toArray(),
			this.#db.datasets.toArray()
		]);
		// Plain data only: the items are structured-cloned to the worker.
		return this.#scanner.scanItems(
			prompts.map(({ id, name, type, content, messages, description }) => ({
				id,
				name,
				type,
				content,
				messages,
				description
			})),
			datasets.map(({ id, name, rows }) => ({ id, name, rows })),
			options
		);
	}

	/**
	 * The compliance report: policy, a full library scan (locations and counts, no values) and
	 * the audit log's verification (`verifyAudit`, e.g. `core.audit.verify`).
	 */
	async complianceReport(verifyAudit: () => Promise<AuditVerification>): Promise<ComplianceReport> {
		const [policy, items, prompts, datasets, audit] = await Promise.all([
			this.policy(),
			this.scanLibrary(),
			this.#db.prompts.filter((p) => !p.deletedAt).count(),
			this.#db.datasets.count(),
			verifyAudit().catch(
				(e: unknown) => ({ ok: false, error: e instanceof Error ? e.message : String(e) }) as const
			)
		]);
		return buildComplianceReport({ policy, items, counts: { prompts, datasets }, audit });
	}

	/**
	 * The production gate, for version control's label guard: `production` may not point at a
	 * version with serious findings unless an owner waived them (see {@link waive}).
	 */
	useLabelGate(deps: Omit<LabelGateDeps, 'policy'>): ReturnType<typeof securityLabelGate> {
		this.#gate = { ...deps, policy: () => this.policy() };
		return securityLabelGate(this.#gate);
	}

	/** Whether the current user may record a waiver (owners only). */
	canWaive(): boolean {
		return this.#gate?.role() === 'owner';
	}

	/** An owner's waiver for `label` at a version, recorded in the audit log with the reason. */
	waive(w: {
		promptId: string;
		versionId: string;
		label: string;
		reason: string;
	}): Promise<AuditEntry> {
		if (!this.#gate) throw new Error('the production gate is not set up');
		return recordWaiver(this.#gate, w);
	}
}
