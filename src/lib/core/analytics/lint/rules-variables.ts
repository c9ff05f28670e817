/** @module Lint rules on the template: syntax errors and variables inserted without delimiters. */
import { tokenize } from '@huggingface/jinja';
import { checkTemplate } from '../../template/lint';
import { preprocess, tokenOffsets, type Token } from '../../template/positions';
import { finding, spanOf } from './text';
import type { LintContext, LintFinding, LintRule, Segment } from './types';

export const templateSyntax: LintRule = {
	id: 'template-syntax',
	severity: 'error',
	title: 'Template error',
	explanation:
		'The template does not parse, so it cannot be rendered or evaluated. Fix the tag at the ' +
		'position shown (an unclosed {{ }} or {% %} block is the usual cause).',
	check(ctx: LintContext): LintFinding[] {
		const out: LintFinding[] = [];
		for (const seg of ctx.segments) {
			const problem = checkTemplate(seg.text, ctx.prompt.templateOptions ?? {});
			if (!problem) continue;
			const lines = seg.text.split('\n');
			let offset = 0;
			for (let i = 0; i < (problem.line ?? 1) - 1 && i < lines.length; i++)
				offset += lines[i].length + 1;
			offset = Math.min(seg.text.length, offset + Math.max(0, (problem.column ?? 1) - 1));
			out.push(
				finding(this, spanOf(seg, offset, Math.min(seg.text.length, offset + 1)), problem.message)
			);
		}
		return out;
	}
};

const CLOSERS: Record<string, string> = {
	'"': '"',
	"'": "'",
	'`': '`',
	'“': '”',
	'‘': '’',
	'«': '»',
	'[': ']',
	'(': ')',
	'{': '}'
};

/** True when the inserted text is fenced off from the instructions around it. */
export function isDelimited(before: string, after: string): boolean {
	const b = before.trimEnd();
	const a = after.trimStart();
	if (/```[\w-]*$/.test(b) && a.startsWith('```')) return true;
	if (/(?:"""|''')$/.test(b) && /^(?:"""|''')/.test(a)) return true;
	if (/<([A-Za-z][\w.-]*)(?:\s[^<>]*)?>$/.test(b) && a.startsWith('</')) return true;
	if (/(?:^|\n)\s*(?:-{3,}|#{3,}|={3,})$/.test(b) && (a === '' || /^(?:-{3,}|#{3,}|={3,})/.test(a)))
		return true;
	const last = b.at(-1);
	return last !== undefined && CLOSERS[last] !== undefined && a.startsWith(CLOSERS[last]);
}

/** A value on its own line after a `Label:` line, followed by nothing or a blank line. */
function isOwnBlockAfterLabel(before: string, after: string): boolean {
	const lineBefore = before.slice(before.lastIndexOf('\n') + 1);
	const lineAfter = after.split('\n')[0];
	if (lineBefore.trim() !== '' || lineAfter.trim() !== '') return false;
	const prev = before.slice(0, before.lastIndexOf('\n')).trimEnd();
	const afterRest = after.slice(lineAfter.length);
	return /:$/.test(prev) && (afterRest.trim() === '' || /^\n\s*\n/.test(afterRest));
}

/** `Label: {{ value }}` at the end of its line: a field, mild. */
function isLabelledField(before: string, after: string): boolean {
	const lineBefore = before.slice(before.lastIndexOf('\n') + 1);
	const lineAfter = after.split('\n')[0];
	return /^[\s\-*]*[\w ./-]{1,40}:\s*$/.test(lineBefore) && lineAfter.trim() === '';
}

interface Insertion {
	start: number;
	end: number;
	names: string[];
	escaped: boolean;
}

/** Every `{{ … }}` of a segment with the free variables it prints. */
function insertions(seg: Segment, ctx: LintContext, free: Set<string>): Insertion[] {
	const pre = preprocess(seg.text, ctx.prompt.templateOptions ?? {});
	let tokens: Token[];
	try {
		tokens = tokenize(pre.text, {});
	} catch {
		return [];
	}
	const offsets = tokenOffsets(pre.text, tokens);
	const out: Insertion[] = [];
	for (let i = 0; i < tokens.length; i++) {
		if (tokens[i].type !== 'OpenExpression') continue;
		let j = i + 1;
		while (j < tokens.length && tokens[j].type !== 'CloseExpression') j++;
		const names: string[] = [];
		let escaped = false;
		for (let k = i + 1; k < j; k++) {
			const t = tokens[k];
			if (t.type !== 'Identifier') continue;
			const prev = tokens[k - 1].type;
			if (prev === 'Pipe') {
				if (t.value === 'tojson' || t.value === 'json') escaped = true;
				continue;
			}
			if (prev === 'Dot') continue;
			if (free.has(t.value) && !names.includes(t.value)) names.push(t.value);
		}
		const close = j < tokens.length ? offsets[j] : pre.text.length;
		const closeLen = pre.text.startsWith('-}}', close) ? 3 : 2;
		const end = Math.min(pre.text.length, close + closeLen);
		out.push({ start: pre.origin[offsets[i]], end: pre.origin[end], names, escaped });
		i = j;
	}
	return out;
}

export const undelimitedVariable: LintRule = {
	id: 'undelimited-variable',
	severity: 'warning',
	title: 'Variable without delimiters',
	explanation:
		'A variable is pasted straight into the instructions. The model cannot tell where the ' +
		'inserted text starts and ends, so input that looks like an instruction changes the task ' +
		'(prompt injection) and long inputs blur into the prompt. Wrap it in XML tags ' +
		'(<document>{{ doc }}</document>), triple quotes or a fenced block, or pass it through `tojson`.',
	check(ctx: LintContext): LintFinding[] {
		if (!ctx.variables) return [];
		const numeric = new Set(ctx.variables.filter((v) => v.kind === 'number').map((v) => v.name));
		const free = new Set(ctx.variables.filter((v) => !numeric.has(v.name)).map((v) => v.name));
		const out: LintFinding[] = [];
		for (const seg of ctx.segments) {
			if (seg.role === 'assistant') continue;
			for (const ins of insertions(seg, ctx, free)) {
				if (ins.names.length === 0 || ins.escaped) continue;
				const before = seg.text.slice(0, ins.start);
				const after = seg.text.slice(ins.end);
				if (isDelimited(before, after) || isOwnBlockAfterLabel(before, after)) continue;
				const field = isLabelledField(before, after);
				out.push(
					finding(
						this,
						spanOf(seg, ins.start, ins.end),
						`"${ins.names.join('", "')}" is inserted ${field ? 'after a label without quotes or tags' : 'in the middle of the instructions'}.`,
						field ? { severity: 'info' } : {}
					)
				);
			}
		}
		return out;
	}
};
