/**
 * @module The workspace security policy as synced state: one entry of the index document's
 * `settings` map, written by an owner (the relay refuses anyone else) and read by every member
 * and by the relay's API gate.
 */
import type * as Y from 'yjs';
import { SETTINGS_MAP } from '../../collab/doc-schema';
import { parsePolicy, securityPolicySchema, type SecurityPolicy } from './policy';

/** The `settings` entry that holds the policy. */
export const POLICY_SETTING = 'security.policy';

/** The workspace's policy, or null while no owner has saved one. */
export function readWorkspacePolicy(doc: Y.Doc): SecurityPolicy | null {
	const value = doc.getMap(SETTINGS_MAP).get(POLICY_SETTING);
	return value === undefined ? null : parsePolicy(value);
}

/** Writes a (validated) policy into the document, in one transaction with `origin`. */
export function writeWorkspacePolicy(
	doc: Y.Doc,
	policy: SecurityPolicy,
	origin: unknown
): SecurityPolicy {
	const valid = securityPolicySchema.parse(policy);
	doc.transact(() => doc.getMap(SETTINGS_MAP).set(POLICY_SETTING, structuredClone(valid)), origin);
	return valid;
}

/** Calls `listener` after every change of the workspace settings; returns the unsubscriber. */
export function observeSettings(doc: Y.Doc, listener: () => void): () => void {
	const map = doc.getMap(SETTINGS_MAP);
	const handler = () => listener();
	map.observe(handler);
	return () => map.unobserve(handler);
}
