/** @module Editor lint: syntax, size and nesting problems of a template without rendering it. */
import { PromptloomError } from '../model/errors';
import { TemplateError } from './errors';
import { parseTemplate } from './parse';
import type { TemplateDiagnostic, TemplateSyntaxOptions } from './types';

/** Returns the first problem of `source` (syntax with line/column, size, nesting, include() calls), or null. */
export function checkTemplate(
	source: string,
	options: TemplateSyntaxOptions = {}
): TemplateDiagnostic | null {
	try {
		parseTemplate(source, options);
		return null;
	} catch (e) {
		if (!(e instanceof PromptloomError)) throw e;
		const t = e instanceof TemplateError ? e : undefined;
		const code =
			e.code === 'template_unsafe' || e.code === 'template_limit' || e.code === 'template_include'
				? e.code
				: 'template_syntax';
		return { code, message: e.message, line: t?.line, column: t?.column };
	}
}
