/** @module Composition: resolves `include()` references recursively before rendering, with cycle detection. */
import { TemplateError, inTemplate } from './errors';
import { parseTemplate } from './parse';
import {
	DEFAULT_LIMITS,
	type IncludeRef,
	type IncludeResolver,
	type ResolvedIncludes,
	type TemplateSyntaxOptions
} from './types';

/** The key of a reference in {@link ResolvedIncludes}: `name`, `name@label` or `name#version`. */
export function includeKey(ref: IncludeRef): string {
	if (ref.version) return `${ref.name}#${ref.version}`;
	if (ref.label) return `${ref.name}@${ref.label}`;
	return ref.name;
}

/** Human wording of a reference, e.g. `"summarize-style" (label production)`. */
export function describeRef(ref: IncludeRef): string {
	const pin = ref.version ? ` (version ${ref.version})` : ref.label ? ` (label ${ref.label})` : '';
	return `"${ref.name}"${pin}`;
}

export interface ResolveIncludesOptions extends TemplateSyntaxOptions {
	maxIncludeDepth?: number;
}

/**
 * Finds every `include()` in `sources` (a text template or each chat message's content), asks
 * `resolver` for the included prompts, and follows their own includes. Throws `not_found` when a
 * target does not exist, and `template_include` naming the cycle when prompts include each other.
 * The result goes into {@link RenderRequest.includes}.
 */
export async function resolveIncludes(
	sources: string | readonly string[],
	resolver: IncludeResolver,
	options: ResolveIncludesOptions = {}
): Promise<ResolvedIncludes> {
	const maxDepth = options.maxIncludeDepth ?? DEFAULT_LIMITS.maxIncludeDepth;
	const resolved: ResolvedIncludes = {};
	const done = new Set<string>();

	const visit = async (refs: IncludeRef[], chain: string[]): Promise<void> => {
		for (const ref of refs) {
			const key = includeKey(ref);
			if (chain.includes(key))
				throw new TemplateError(
					'template_include',
					`include cycle: ${[...chain.slice(chain.indexOf(key)), key].join(' → ')}`
				);
			if (done.has(key)) continue;
			if (chain.length >= maxDepth)
				throw new TemplateError(
					'template_limit',
					`render limit exceeded: includes nested deeper than ${maxDepth} (${[...chain, key].join(' → ')})`
				);
			let target;
			try {
				target = await resolver(ref);
			} catch (e) {
				if (e instanceof TemplateError || !(e instanceof Error)) throw e;
				throw new TemplateError('not_found', `included prompt ${describeRef(ref)}: ${e.message}`, {
					cause: e
				});
			}
			if (!target)
				throw new TemplateError('not_found', `included prompt ${describeRef(ref)} not found`);
			// Defined, not assigned: a prompt may be called "__proto__".
			Object.defineProperty(resolved, key, {
				value: { ref, source: target.source, versionId: target.versionId },
				enumerable: true,
				writable: true,
				configurable: true
			});
			let nested: IncludeRef[];
			try {
				nested = parseTemplate(target.source, options).includes;
			} catch (e) {
				throw inTemplate(e, `include ${key}`);
			}
			await visit(nested, [...chain, key]);
			done.add(key);
		}
	};

	const roots: IncludeRef[] = [];
	for (const source of typeof sources === 'string' ? [sources] : sources)
		roots.push(...parseTemplate(source, options).includes);
	await visit(roots, []);
	return resolved;
}
