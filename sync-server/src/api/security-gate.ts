/**
 * @module The production gate for label moves made through the API, as the app applies it: a
 * gated label (`production`) may not point at a version whose content has serious security
 * findings under the workspace's synced policy, unless a current owner recorded a waiver for that
 * version and label in the workspace audit log.
 */
import type * as Y from 'yjs';
import { AUDIT_LOG_MAP } from '../../../src/lib/core/collab/doc-schema';
import type { PromptContent } from '../../../src/lib/core/model/prompt';
import {
	GATED_LABELS,
	SecurityGateError,
	WAIVER_ACTION,
	gateFindings
} from '../../../src/lib/core/security/scan/label-gate';
import { DEFAULT_POLICY } from '../../../src/lib/core/security/scan/policy';
import { readWorkspacePolicy } from '../../../src/lib/core/security/scan/policy-doc';
import type { WorkspaceRecord } from '../collab/registry';
import { ApiError } from './http';

export interface GatedMove {
	promptId: string;
	label: string;
	versionId: string;
	content: PromptContent;
}

/** True when an owner's waiver of `label` at `versionId` is in the index's audit log. */
function waived(index: Y.Doc, record: WorkspaceRecord, versionId: string, label: string): boolean {
	const owners = new Set(record.members.filter((m) => m.role === 'owner').map((m) => m.user));
	// An unmanaged workspace (no registry) has no roles to check the waiver's author against.
	const byOwner = (actor: unknown) =>
		record.members.length === 0 || (typeof actor === 'string' && owners.has(actor));
	let found = false;
	index.getMap(AUDIT_LOG_MAP).forEach((value) => {
		const e = value as { action?: unknown; target?: unknown; actor?: unknown; details?: unknown };
		if (found || e?.action !== WAIVER_ACTION || e.target !== `version:${versionId}`) return;
		const details = e.details as { label?: unknown } | undefined;
		if (details?.label === label && byOwner(e.actor)) found = true;
	});
	return found;
}

/** Refuses (409) the first gated move whose version has findings nobody waived. */
export async function checkSecurityGate(
	index: Y.Doc,
	record: WorkspaceRecord,
	moves: readonly GatedMove[]
): Promise<void> {
	const gated = moves.filter((m) => GATED_LABELS.includes(m.label));
	if (!gated.length) return;
	const policy = readWorkspacePolicy(index) ?? DEFAULT_POLICY;
	for (const m of gated) {
		const findings = await gateFindings(m.content, policy);
		if (findings.length === 0 || waived(index, record, m.versionId, m.label)) continue;
		throw new ApiError('conflict', new SecurityGateError(m, findings).message);
	}
}
