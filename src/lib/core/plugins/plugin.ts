/**
 * @module A loaded plugin: its manifest, the SHA-256 of what was loaded, and its ES module in a
 * sandbox module session. Every call names the contribution (`scorers/grade`), runs under the
 * manifest's time and memory limits and fails as a `PluginError` naming the plugin and the call.
 */
import { PromptloomError } from '../model/errors';
import { describeSandboxFailure, isSandboxError, type SandboxFailure } from '../sandbox/sandbox';
import type { ModuleSession, ModuleSessionFactory } from '../sandbox/session';
import { canonicalize, sha256Hex } from '../util/crypto';
import type { ContributionKind, PluginManifest } from './manifest';

/** A plugin as files: the manifest (parsed) and the module's source text. */
export interface PluginSource {
	manifest: PluginManifest;
	code: string;
}

/** SHA-256 (hex) of the manifest and module together: what a workspace pins and an update changes. */
export function pluginDigest(source: PluginSource): Promise<string> {
	return sha256Hex(canonicalize({ manifest: source.manifest, code: source.code }));
}

/** A plugin call failed: `failure` says how (thrown, timeout, memory, stack, result, entry…). */
export class PluginError extends PromptloomError {
	constructor(
		readonly pluginId: string,
		/** `scorers/grade`, `exporters/yaml`, `load`… */
		readonly call: string,
		readonly failure: SandboxFailure
	) {
		super(
			failure.kind === 'cancelled'
				? 'cancelled'
				: failure.kind === 'timeout'
					? 'timeout'
					: 'sandbox',
			failure.kind === 'result'
				? `plugin ${pluginId} (${call}) returned an unusable result: ${failure.message}`
				: describeSandboxFailure(failure, `plugin ${pluginId} (${call})`)
		);
		this.name = 'PluginError';
	}
}

export function isPluginError(e: unknown): e is PluginError {
	return e instanceof PluginError;
}

/** Plain-data failure for a result the host refuses (wrong shape, path outside the folder…). */
export const badResult = (message: string): SandboxFailure => ({ kind: 'result', message });

export class LoadedPlugin {
	private constructor(
		readonly manifest: PluginManifest,
		readonly sha256: string,
		private readonly session: ModuleSession
	) {}

	get id(): string {
		return this.manifest.id;
	}

	/** Evaluates the module in a new session; throws a `PluginError` (call `load`) if it fails. */
	static async load(source: PluginSource, sessions: ModuleSessionFactory): Promise<LoadedPlugin> {
		const { manifest } = source;
		try {
			const session = await sessions.open({
				code: source.code,
				filename: manifest.main,
				loadTimeoutMs: manifest.limits.timeoutMs,
				memoryBytes: manifest.limits.memoryMb * 1024 * 1024
			});
			return new LoadedPlugin(manifest, await pluginDigest(source), session);
		} catch (e) {
			if (isSandboxError(e)) throw new PluginError(manifest.id, 'load', e.failure);
			throw e;
		}
	}

	/** Whether the manifest declares contribution `name` of `kind`. */
	has(kind: ContributionKind, name: string): boolean {
		return this.manifest.contributes[kind].some((c) => c.name === name);
	}

	/**
	 * Calls the module's `<kind>.<name>` (or `<kind>.<name>.<method>` for a provider) with `input`
	 * as JSON; resolves with the parsed result (plain data: no prototypes beyond Object/Array).
	 */
	async call(
		kind: ContributionKind,
		name: string,
		input: unknown,
		method?: string
	): Promise<unknown> {
		const label = `${kind}/${name}${method ? `.${method}` : ''}`;
		if (!this.has(kind, name))
			throw new PluginError(this.id, label, {
				kind: 'entry',
				message: `the manifest declares no ${kind} contribution "${name}"`
			});
		try {
			return await this.session.call(
				method ? [kind, name, method] : [kind, name],
				input,
				this.manifest.limits.timeoutMs
			);
		} catch (e) {
			if (isSandboxError(e)) throw new PluginError(this.id, label, e.failure);
			throw e;
		}
	}

	/** Whether the module exports `<kind>.<name>[.<method>]` as a function. */
	exports(kind: ContributionKind, name: string, method?: string): Promise<boolean> {
		return this.session.isFunction(method ? [kind, name, method] : [kind, name]);
	}

	dispose(): void {
		this.session.dispose();
	}
}
