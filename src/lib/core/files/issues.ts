/** @module Problems found in a prompt file (Prompty, Dotprompt, Langfuse JSON), each at a line and column. */
import { PromptloomError } from '../model/errors';

/** One problem in a prompt file. Lines and columns are 1-based. */
export interface FileIssue {
	severity: 'error' | 'warning';
	message: string;
	line: number;
	column: number;
	/** End of the range the problem covers (exclusive column); the start when absent. */
	endLine?: number;
	endColumn?: number;
	/** The front-matter field or JSON path concerned, e.g. `model.parameters.temperature`. */
	field?: string;
}

/** `file:line:col: error: message` (the form editors and CI logs link). */
export function formatFileIssue(file: string, issue: FileIssue): string {
	const where = issue.field ? ` (${issue.field})` : '';
	return `${file}:${issue.line}:${issue.column}: ${issue.severity}: ${issue.message}${where}`;
}

export function hasErrors(issues: readonly FileIssue[]): boolean {
	return issues.some((i) => i.severity === 'error');
}

/** Thrown when a prompt file cannot be read: code `import`, every problem listed. */
export class PromptFileError extends PromptloomError {
	readonly file: string;
	readonly issues: readonly FileIssue[];
	constructor(file: string, issues: readonly FileIssue[]) {
		const errors = issues.filter((i) => i.severity === 'error');
		super('import', errors.map((i) => formatFileIssue(file, i)).join('\n') || `${file}: invalid`, {
			path: errors[0] ? `${file}:${errors[0].line}:${errors[0].column}` : file
		});
		this.name = 'PromptFileError';
		this.file = file;
		this.issues = issues;
	}
}

/** 1-based line and column of `offset` in `text`. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
	let line = 1;
	let start = 0;
	const end = Math.min(Math.max(0, offset), text.length);
	for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
		line++;
		start = i + 1;
	}
	return { line, column: end - start + 1 };
}

/** An issue covering `[from, to)` of `text`. */
export function issueAt(
	text: string,
	from: number,
	to: number,
	severity: FileIssue['severity'],
	message: string,
	field?: string
): FileIssue {
	const a = positionAt(text, from);
	const b = positionAt(text, Math.max(from, to));
	return {
		severity,
		message,
		line: a.line,
		column: a.column,
		endLine: b.line,
		endColumn: b.column,
		...(field ? { field } : {})
	};
}
