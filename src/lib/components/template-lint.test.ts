import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { checkTemplate } from '$lib/core/template/lint';
import { diagnosticRange } from './template-lint';

describe('the template lint marks the error position in the editor', () => {
	it('points at the line and column checkTemplate reports', () => {
		const source = 'line one\n  {{ name + }}';
		const doc = EditorState.create({ doc: source }).doc;
		const d = checkTemplate(source)!;
		expect(d.line).toBe(2);
		const { from, to } = diagnosticRange(doc, d);
		expect(from).toBe(doc.line(2).from + d.column! - 1);
		expect(to).toBe(doc.length);
	});

	it('marks the whole document when the problem has no position', () => {
		const doc = EditorState.create({ doc: 'abc' }).doc;
		expect(diagnosticRange(doc, { code: 'template_limit', message: 'too big' })).toEqual({
			from: 0,
			to: 3
		});
	});
});
