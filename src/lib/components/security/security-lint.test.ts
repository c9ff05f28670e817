import { describe, expect, it } from 'vitest';
import { scanText } from '$lib/core/security/scan/index';
import { findingDiagnostic } from './security-lint';

describe('security lint diagnostics', () => {
	it('maps findings to ranges and severities', () => {
		const text = 'Mail a@example.com token ghp_Zx81Lm0qPw72ReTy5UiOpA9sDfGh3Jk4Lz6X';
		const d = scanText(text).findings.map((f) => findingDiagnostic(f, text.length));
		expect(d.map((x) => [text.slice(x.from, x.to), x.severity, x.source])).toEqual([
			['a@example.com', 'warning', 'security: pii'],
			['ghp_Zx81Lm0qPw72ReTy5UiOpA9sDfGh3Jk4Lz6X', 'error', 'security: secret']
		]);
	});
});
