/** @module CodeMirror lint extension: the security scanner's findings (injection, PII, secrets…) as editor diagnostics. */
import { linter, type Diagnostic } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import type { Finding } from '$lib/core/security/scan/index';

/** Editor severity of a finding: secrets and critical findings are errors, low ones hints. */
export function diagnosticSeverity(f: Finding): Diagnostic['severity'] {
	if (f.kind === 'secret' || f.severity === 'critical') return 'error';
	if (f.severity === 'low') return 'info';
	return 'warning';
}

/** A finding as a CodeMirror diagnostic (offsets are the document's UTF-16 positions). */
export function findingDiagnostic(f: Finding, docLength: number): Diagnostic {
	const from = Math.min(f.start, docLength);
	return {
		from,
		to: Math.max(from, Math.min(f.end, docLength)),
		severity: diagnosticSeverity(f),
		source: `security: ${f.kind}`,
		message: `${f.message} (${f.type}, score ${f.score.toFixed(2)})`
	};
}

/**
 * Lints the editor's text with `scan` (the app's security service) as you type.
 * @param onFindings called with the current findings so the page can list them too.
 */
export function securityLint(
	scan: (text: string) => Finding[],
	onFindings?: (findings: Finding[]) => void
): Extension {
	return linter(
		(view) => {
			const text = view.state.doc.toString();
			const findings = scan(text);
			onFindings?.(findings);
			return findings.map((f) => findingDiagnostic(f, text.length));
		},
		{ delay: 400 }
	);
}
