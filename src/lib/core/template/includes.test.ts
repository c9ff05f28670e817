import { describe, expect, it } from 'vitest';
import { includeKey, resolveIncludes } from './includes';
import { renderRequest, renderWithTrace } from './render';
import type { IncludeRef, IncludeResolver } from './types';

/** A library of prompts: name → label/version → source. */
function resolverOf(
	library: Record<string, Record<string, string>>
): IncludeResolver & { calls: IncludeRef[] } {
	const calls: IncludeRef[] = [];
	const fn = async (ref: IncludeRef) => {
		calls.push(ref);
		const pin = ref.version ?? ref.label ?? 'latest';
		const source = library[ref.name]?.[pin];
		return source === undefined ? null : { source, versionId: `${ref.name}-${pin}-id` };
	};
	return Object.assign(fn, { calls });
}

describe('resolveIncludes', () => {
	it('resolves nested includes once each, keyed by name and pin', async () => {
		const resolver = resolverOf({
			style: { production: 'Be {{ tone }}. {{ include("footer") }}' },
			footer: { latest: '-- {{ team }}' }
		});
		const includes = await resolveIncludes(
			['{{ include("style", label="production") }}', '{{ include("style", label="production") }}'],
			resolver
		);
		expect(Object.keys(includes)).toEqual(['style@production', 'footer']);
		expect(includes['style@production'].versionId).toBe('style-production-id');
		expect(resolver.calls).toHaveLength(2);
	});

	it('names the cycle when prompts include each other', async () => {
		const resolver = resolverOf({
			a: { latest: '{{ include("b", version="v2") }}' },
			b: { v2: '{{ include("a") }}' }
		});
		await expect(resolveIncludes('{{ include("a") }}', resolver)).rejects.toMatchObject({
			code: 'template_include',
			message: 'include cycle: a → b#v2 → a'
		});
	});

	it('fails clearly on a missing target', async () => {
		await expect(
			resolveIncludes('{{ include("ghost", label="production") }}', resolverOf({}))
		).rejects.toMatchObject({
			code: 'not_found',
			message: 'included prompt "ghost" (label production) not found'
		});
	});

	it('reports a syntax error inside an included prompt with its name', async () => {
		const resolver = resolverOf({ broken: { latest: '{% if %}' } });
		await expect(resolveIncludes('{{ include("broken") }}', resolver)).rejects.toMatchObject({
			code: 'template_syntax',
			message: expect.stringMatching(/^include broken: line 1, column/)
		});
	});
});

describe('rendering with includes', () => {
	it('renders the included prompt with the same variables and traces the version used', async () => {
		const resolver = resolverOf({ style: { production: 'Be {{ tone }}.' } });
		const template = 'Answer. {{ include("style", label="production") }}';
		const includes = await resolveIncludes(template, resolver);
		const r = renderWithTrace({ template, includes, variables: { tone: 'brief' } });
		expect(r.output).toBe('Answer. Be brief.');
		expect(r.warnings).toEqual([]);
		expect(r.trace.steps[0]).toEqual({
			kind: 'include',
			name: 'style',
			ref: { name: 'style', label: 'production' },
			versionId: 'style-production-id'
		});
	});

	it('fails with not_found when an include was not resolved', () => {
		expect(() => renderRequest({ template: '{{ include("x") }}' })).toThrow(
			expect.objectContaining({ code: 'not_found' })
		);
	});

	it('detects a cycle in a hand-made includes map at render time', () => {
		const includes = { a: { ref: { name: 'a' }, source: '{{ include("a") }}', versionId: 'v' } };
		expect(() => renderRequest({ template: '{{ include("a") }}', includes })).toThrow(
			/include cycle: a → a/
		);
		expect(includeKey({ name: 'a', version: '1' })).toBe('a#1');
	});
});
