/** @module Plugins named on the command line (`--plugin <dir>`), loaded into the Node sandbox for one command. */
import { resolve } from 'node:path';
import { LoadedPlugin } from '../../lib/core/plugins/plugin';
import { PluginSet } from '../../lib/core/plugins/plugin-set';
import { readPluginSource } from '../../lib/core/plugins/source.node.ts';
import { nodeModuleSessions } from '../../lib/core/sandbox/session.node.ts';
import type { CliIO } from '../types';

/**
 * Loads each plugin folder (or manifest file); their scorers are registered until `close()`.
 * Throws the first plugin's `PromptloomError` (unreadable, invalid manifest, module that fails
 * to load), after closing what was already loaded.
 */
export async function loadCliPlugins(io: CliIO, paths: readonly string[]): Promise<PluginSet> {
	const set = new PluginSet();
	try {
		for (const p of paths) {
			const source = await readPluginSource(resolve(io.cwd, p));
			const plugin = await LoadedPlugin.load(source, nodeModuleSessions);
			try {
				set.add(plugin);
			} catch (e) {
				plugin.dispose();
				throw e;
			}
		}
	} catch (e) {
		set.close();
		throw e;
	}
	return set;
}
