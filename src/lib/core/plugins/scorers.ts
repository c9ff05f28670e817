/**
 * @module Plugin scorers as evaluation scorers: `type: plugin:<id>/<name>` in promptfoo-style
 * configs and in the app's evaluations. A plugin that fails (throws, loops, runs out of memory,
 * returns something else) fails that assertion with the plugin's id and call in the reason; the
 * evaluation carries on.
 */
import { isPromptloomError } from '../model/errors';
import { interpretJsResult } from '../eval/scorers/javascript';
import { passFail, type Scorer } from '../eval/scorers/types';
import type { LoadedPlugin } from './plugin';

export const pluginScorerType = (pluginId: string, name: string) => `plugin:${pluginId}/${name}`;

/** The scorer for contribution `name` of `plugin`; its result is read like a `javascript` one. */
export function pluginScorer(plugin: LoadedPlugin, name: string): Scorer {
	return {
		types: [pluginScorerType(plugin.id, name)],
		deterministic: true,
		async score(assertion, ctx) {
			try {
				const value = await plugin.call('scorers', name, {
					output: ctx.output,
					value: assertion.value ?? null,
					threshold: assertion.threshold ?? null,
					vars: ctx.vars,
					expected: ctx.expected ?? null,
					prompt: ctx.messages?.map((m) => m.content).join('\n') ?? null,
					latencyMs: ctx.latencyMs ?? null,
					costUsd: ctx.costUsd ?? null
				});
				return interpretJsResult(value, assertion.threshold);
			} catch (e) {
				if (isPromptloomError(e, 'cancelled')) throw e;
				return passFail(false, (e as Error).message);
			}
		}
	};
}

/** Every scorer a plugin contributes. */
export function pluginScorers(plugin: LoadedPlugin): Scorer[] {
	return plugin.manifest.contributes.scorers.map((s) => pluginScorer(plugin, s.name));
}
