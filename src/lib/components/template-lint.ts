/** @module CodeMirror lint extension: template syntax and safety errors with line and column, as you type. */
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { Extension, Text } from '@codemirror/state';
import { checkTemplate } from '$lib/core/template/lint';
import type { TemplateDiagnostic, TemplateSyntaxOptions } from '$lib/core/template/types';

/** The document range a diagnostic points at: from its line/column to the end of that line. */
export function diagnosticRange(doc: Text, d: TemplateDiagnostic): { from: number; to: number } {
	if (d.line === undefined || d.line < 1 || d.line > doc.lines) return { from: 0, to: doc.length };
	const line = doc.line(d.line);
	const from = Math.min(line.from + Math.max(0, (d.column ?? 1) - 1), line.to);
	return { from, to: Math.max(from, line.to) };
}

/**
 * Lints the editor's template with {@link checkTemplate} (parsing only, nothing runs).
 * @param onDiagnostic called with the current problem (or null) so the page can show it too.
 */
export function templateLint(
	options: () => TemplateSyntaxOptions = () => ({}),
	onDiagnostic?: (d: TemplateDiagnostic | null) => void
): Extension[] {
	return [
		linter(
			(view) => {
				const d = checkTemplate(view.state.doc.toString(), options());
				onDiagnostic?.(d);
				if (!d) return [];
				const where = d.line !== undefined ? `line ${d.line}, column ${d.column ?? 1}: ` : '';
				const message = d.message.startsWith('line ') ? d.message : where + d.message;
				const diagnostic: Diagnostic = {
					...diagnosticRange(view.state.doc, d),
					severity: 'error',
					source: d.code,
					message
				};
				return [diagnostic];
			},
			{ delay: 300 }
		),
		lintGutter()
	];
}
