/**
 * @module The plugins in use by one evaluation, export or editor: looks contributions up by
 * `plugin:<id>/<name>` and adds the scorers to the scorer registry (removed again on close).
 */
import { PromptloomError } from '../model/errors';
import { SCORERS } from '../eval/scorers/registry';
import { parsePluginRef, type ContributionKind } from './manifest';
import type { LoadedPlugin } from './plugin';
import { pluginScorer, pluginScorerType } from './scorers';

export class PluginSet {
	readonly #plugins = new Map<string, LoadedPlugin>();
	readonly #registered: string[] = [];

	get plugins(): LoadedPlugin[] {
		return [...this.#plugins.values()];
	}

	/** Adds a plugin and registers its scorers; a second plugin with the same id is refused. */
	add(plugin: LoadedPlugin): void {
		if (this.#plugins.has(plugin.id))
			throw new PromptloomError('conflict', `plugin ${plugin.id} is already loaded`);
		for (const s of plugin.manifest.contributes.scorers) {
			const type = pluginScorerType(plugin.id, s.name);
			if (SCORERS.has(type))
				throw new PromptloomError('conflict', `scorer type "${type}" is already registered`);
		}
		this.#plugins.set(plugin.id, plugin);
		for (const s of plugin.manifest.contributes.scorers) {
			const type = pluginScorerType(plugin.id, s.name);
			SCORERS.set(type, pluginScorer(plugin, s.name));
			this.#registered.push(type);
		}
	}

	/** The plugin and contribution `ref` (`plugin:<id>/<name>`) names; throws a specific error. */
	resolve(kind: ContributionKind, ref: string): { plugin: LoadedPlugin; name: string } {
		const parsed = parsePluginRef(ref);
		if (!parsed)
			throw new PromptloomError('validation', `"${ref}" is not of the form plugin:<id>/<name>`);
		const plugin = this.#plugins.get(parsed.pluginId);
		if (!plugin)
			throw new PromptloomError(
				'not_found',
				`no plugin "${parsed.pluginId}" is loaded (for ${ref})`
			);
		if (!plugin.has(kind, parsed.name))
			throw new PromptloomError(
				'not_found',
				`plugin ${parsed.pluginId} has no ${kind} contribution "${parsed.name}"`
			);
		return { plugin, name: parsed.name };
	}

	/** Unregisters the scorers and closes every plugin's sandbox. */
	close(): void {
		for (const t of this.#registered.splice(0)) SCORERS.delete(t);
		for (const p of this.#plugins.values()) p.dispose();
		this.#plugins.clear();
	}
}
