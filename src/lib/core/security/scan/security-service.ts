/**
 * @module The app's security service: the security policy (a shared workspace's synced policy,
 * else this device's, kept in local settings), previews of what a call would send, scanning text
 * and the whole library.
 */
import type * as Y from 'yjs';
import { PromptloomError } from '../../model/errors';
import { LOCAL_ORIGIN } from '../../sync/ydoc-model';
import { observeSettings, readWorkspacePolicy, writeWorkspacePolicy } from './policy-doc';
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

/** A shared workspace whose index document holds the policy (see {@link SecurityService.useWorkspace}). */
export interface PolicyWorkspace {
	doc: Y.Doc;
	/** Resolves once `doc` holds what this device stored. */
	ready: Promise<void>;
	/** The current user's role in the workspace. */
	role: () => string;
}

export class SecurityService {
	readonly #db: PromptloomDb;
	#cached: SecurityPolicy | null = null;
	readonly #listeners = new Set<(p: SecurityPolicy) => void>();
	readonly #scanner: ItemScanner;
	#gate: LabelGateDeps | null = null;
	#workspace: PolicyWorkspace | null = null;
	#offWorkspace: (() => void) | null = null;

	/** `scanner`: where library scans run (browsers pass a Web Worker; default in-process). */
	constructor(db: PromptloomDb, options: { scanner?: ItemScanner } = {}) {
		this.#db = db;
		this.#scanner = options.scanner ?? inProcessScanner;
	}

	/**
	 * Follows a shared workspace's policy (its index document), or this device's again with null.
	 * Changes made by the owner on any device reach the listeners as they arrive.
	 */
	useWorkspace(target: PolicyWorkspace | null): void {
		if (this.#workspace?.doc === target?.doc) {
			if (target) this.#workspace = target;
			return;
		}
		this.#offWorkspace?.();
		this.#offWorkspace = null;
		this.#workspace = target;
		this.#cached = null;
		if (target) {
			const doc = target.doc;
			this.#offWorkspace = observeSettings(doc, () => {
				if (this.#workspace?.doc !== doc) return;
				this.#cached = null;
				void this.#notify();
			});
			void target.ready.then(async () => {
				if (this.#workspace?.doc === doc) await this.#notify();
			});
		}
		void this.#notify();
	}

	/** Where the policy in force comes from: the shared workspace or this device. */
	policySource(): 'workspace' | 'device' {
		return this.#workspace ? 'workspace' : 'device';
	}

	/** Whether the current user may change the policy (in a shared workspace: owners only). */
	canEditPolicy(): boolean {
		return !this.#workspace || this.#workspace.role() === 'owner';
	}

	/** The policy in force (the default until one is saved). */
	async policy(): Promise<SecurityPolicy> {
		if (this.#cached) return this.#cached;
		const ws = this.#workspace;
		if (ws) {
			await ws.ready;
			const policy = readWorkspacePolicy(ws.doc) ?? structuredClone(DEFAULT_POLICY);
			if (this.#workspace?.doc === ws.doc) this.#cached = policy;
			return policy;
		}
		const rec = await this.#db.settings.get(POLICY_KEY);
		this.#cached = rec ? parsePolicy(rec.value) : structuredClone(DEFAULT_POLICY);
		return this.#cached;
	}

	/**
	 * Saves a policy (validated): in a shared workspace into its synced settings (owners only,
	 * refused before anything is written), else on this device; listeners hear about it.
	 */
	async setPolicy(policy: SecurityPolicy): Promise<SecurityPolicy> {
		const valid = securityPolicySchema.parse(policy);
		const ws = this.#workspace;
		if (ws) {
			const role = ws.role();
			if (role !== 'owner')
				throw new PromptloomError(
					'forbidden',
					`Only an owner can change the workspace's security policy (you are ${role === 'editor' || role === 'owner' ? 'an' : 'a'} ${role}).`
				);
			await ws.ready;
			writeWorkspacePolicy(ws.doc, valid, LOCAL_ORIGIN);
		} else await this.#db.settings.put({ key: POLICY_KEY, value: valid });
		this.#cached = valid;
		for (const l of this.#listeners) l(valid);
		return valid;
	}

	/**
	 * An owner whose workspace has no policy yet brings this device's saved one in, so joining a
	 * workspace never loosens what the owner had set (members then follow it). Called once the
	 * workspace is in step with the relay, so an existing policy is never overwritten.
	 */
	async adoptDevicePolicy(): Promise<void> {
		const ws = this.#workspace;
		if (!ws || ws.role() !== 'owner' || readWorkspacePolicy(ws.doc)) return;
		const rec = await this.#db.settings.get(POLICY_KEY);
		if (!rec || this.#workspace?.doc !== ws.doc || readWorkspacePolicy(ws.doc)) return;
		writeWorkspacePolicy(ws.doc, parsePolicy(rec.value), LOCAL_ORIGIN);
		this.#cached = null;
		await this.#notify();
	}

	async #notify(): Promise<void> {
		const policy = await this.policy();
		for (const l of this.#listeners) l(policy);
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
