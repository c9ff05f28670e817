/** @module Security scanner: injection/jailbreak, PII, secrets and unsafe content; redaction and policy. */
export * from './types';
export { scanText, parseKinds, MAX_SCAN_CHARS } from './scanner';
export { scanInjection } from './injection';
export { scanPii, PII_ENTITIES, type PiiEntity } from './pii';
export { scanSecrets, SECRET_TYPES } from './secrets';
export { scanUnsafe } from './unsafe';
export { scanBias } from './bias';
export {
	redact,
	reidentify,
	placeholderLabel,
	type Redaction,
	type RedactionEntry
} from './redact';
export {
	applyPolicy,
	actionFor,
	parsePolicy,
	securityPolicySchema,
	DEFAULT_POLICY,
	POLICY_ACTIONS,
	SecurityPolicyError,
	type GuardResult,
	type PolicyAction,
	type SecurityPolicy
} from './policy';
