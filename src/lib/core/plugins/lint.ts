/**
 * @module Plugin lint rules: the plugin gets the prompt's segments as plain data and returns
 * findings (message, optional severity, segment and span); they become `LintFinding`s with rule
 * id `plugin:<id>/<name>`, shown with the built-in ones. Rules run asynchronously (the sandbox),
 * so a caller merges them with `lintPrompt`'s findings; a failing rule becomes one `info` finding
 * naming the plugin and the call, like a built-in rule that throws.
 */
import { isPromptloomError } from '../model/errors';
import { z } from '../model/zod';
import { lintContext } from '../analytics/lint/lint-prompt';
import type { LintFinding, LintablePrompt } from '../analytics/lint/types';
import { badResult, LoadedPlugin, PluginError } from './plugin';

const MAX_FINDINGS = 200;

const findingSchema = z.object({
	message: z.string().min(1).max(500),
	severity: z.enum(['error', 'warning', 'info']).optional(),
	/** Index into the input's `segments` (default 0). */
	segment: z.number().int().min(0).optional(),
	start: z.number().int().min(0).optional(),
	end: z.number().int().min(0).optional()
});
const resultSchema = z.array(findingSchema).max(MAX_FINDINGS);

export const pluginRuleId = (pluginId: string, name: string) => `plugin:${pluginId}/${name}`;

/** Runs every lint rule of `plugin` on `prompt`. */
export async function lintWithPlugin(
	plugin: LoadedPlugin,
	prompt: LintablePrompt
): Promise<LintFinding[]> {
	const ctx = lintContext(prompt);
	const segments = ctx.segments.map((s) => ({ message: s.message, role: s.role, text: s.text }));
	const input = { type: prompt.type, segments };
	const out: LintFinding[] = [];
	for (const rule of plugin.manifest.contributes.lintRules) {
		const ruleId = pluginRuleId(plugin.id, rule.name);
		const explanation = rule.description || `A rule of the plugin ${plugin.manifest.name}.`;
		try {
			const raw = await plugin.call('lintRules', rule.name, input);
			const parsed = resultSchema.safeParse(raw);
			if (!parsed.success)
				throw new PluginError(
					plugin.id,
					`lintRules/${rule.name}`,
					badResult(
						`expected an array of {message, severity?, segment?, start?, end?}: ${parsed.error.issues[0]?.message ?? ''}`
					)
				);
			for (const f of parsed.data) {
				const seg = segments[f.segment ?? 0] ?? segments[0];
				const len = seg?.text.length ?? 0;
				const start = Math.min(f.start ?? 0, len);
				const end = Math.max(start, Math.min(f.end ?? start, len));
				out.push({
					ruleId,
					severity: f.severity ?? rule.severity,
					message: f.message,
					explanation,
					span: {
						message: seg?.message ?? null,
						start,
						end,
						text: seg?.text.slice(start, end) ?? ''
					}
				});
			}
		} catch (e) {
			if (isPromptloomError(e, 'cancelled')) throw e;
			out.push({
				ruleId,
				severity: 'info',
				message: `The rule could not run: ${(e as Error).message}`,
				explanation,
				span: { message: null, start: 0, end: 0, text: '' }
			});
		}
	}
	return out;
}
