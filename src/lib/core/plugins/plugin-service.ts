/**
 * @module The app's plugins: install (from files or a URL, after the user saw the permissions),
 * enable/disable, update, remove; and the enabled ones in use: their scorers registered for
 * evaluations, their lint rules run beside the built-in ones, their exporters offered on the
 * Backup page. A plugin is loaded into the sandbox (and its examples run) before it is stored.
 */
import type { LintFinding, LintablePrompt } from '../analytics/lint/types';
import type { Folder, Prompt } from '../model/prompt';
import { PromptloomError } from '../model/errors';
import type { ModuleSessionFactory } from '../sandbox/session';
import { checkPlugin } from './check';
import { runPluginExporter, type ExportedFile } from './exporters';
import { lintWithPlugin } from './lint';
import { checkManifest, describePermissions, MANIFEST_FILE, type PluginManifest } from './manifest';
import { LoadedPlugin, pluginDigest } from './plugin';
import { PluginSet } from './plugin-set';
import type { InstalledPlugin, PluginRegistry } from './registry.dexie';

/** A plugin as files, before it is installed. */
export interface PluginFilesInput {
	manifestText: string;
	code: string;
	/** Where it came from (a file name or a URL), shown in the list. */
	source: string;
}

/** What the user is shown before installing or updating. */
export interface PluginPreview {
	manifest: PluginManifest;
	sha256: string;
	permissions: string[];
	/** The installed version when this would update a plugin. */
	replaces: string | null;
}

export interface PluginSummary {
	id: string;
	name: string;
	version: string;
	description: string;
	enabled: boolean;
	sha256: string;
	source: string;
	permissions: string[];
	approvedHosts: string[];
	/** `scorers: grade`, `exporters: yaml`… */
	contributions: string[];
}

export interface PluginExporterRef {
	/** `plugin:<id>/<name>` */
	ref: string;
	title: string;
	pluginName: string;
}

export interface PluginServiceOptions {
	registry: PluginRegistry;
	/** The sandbox for plugin modules; undefined where none is available. */
	sessions: () => ModuleSessionFactory | undefined;
	/** The library exporters work on (the app's prompts and folders). */
	library?: () => Promise<{ prompts: readonly Prompt[]; folders: readonly Folder[] }>;
	fetch?: typeof fetch;
	now?: () => number;
}

const MAX_FILE_CHARS = 2 * 1024 * 1024;

export class PluginService {
	#active: Promise<PluginSet> | null = null;

	constructor(private readonly o: PluginServiceOptions) {}

	#sessions(): ModuleSessionFactory {
		const s = this.o.sessions();
		if (!s)
			throw new PromptloomError('sandbox', 'plugins need the sandbox, which is not available here');
		return s;
	}

	/** Validates and loads the files (examples run) and says what installing them would mean. */
	async preview(files: PluginFilesInput): Promise<PluginPreview> {
		if (files.manifestText.length > MAX_FILE_CHARS || files.code.length > MAX_FILE_CHARS)
			throw new PromptloomError('validation', 'a plugin file is larger than 2 MB');
		const m = checkManifest(files.manifestText);
		if (!m.ok)
			throw new PromptloomError(
				'validation',
				`invalid ${MANIFEST_FILE}: ${m.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
			);
		const report = await checkPlugin(files.manifestText, files.code, this.#sessions());
		const failed = report.steps.filter((s) => !s.ok);
		if (failed.length)
			throw new PromptloomError(
				'validation',
				`plugin ${m.manifest.id} did not pass its checks: ${failed.map((s) => `${s.what}: ${s.message ?? 'failed'}`).join('; ')}`
			);
		const existing = await this.o.registry.get(m.manifest.id);
		return {
			manifest: m.manifest,
			sha256: await pluginDigest({ manifest: m.manifest, code: files.code }),
			permissions: describePermissions(m.manifest),
			replaces: existing
				? ((checkManifest(existing.manifestText) as { manifest?: PluginManifest }).manifest
						?.version ?? '?')
				: null
		};
	}

	/**
	 * Installs (or updates, keeping enabled state and approvals of hosts still declared) the
	 * plugin; `approvedHosts` are the manifest's hosts the user approved. New plugins start disabled
	 * unless `enable` is set.
	 */
	async install(
		files: PluginFilesInput,
		choice: { enable?: boolean; approvedHosts?: readonly string[] } = {}
	): Promise<PluginSummary> {
		const preview = await this.preview(files);
		const { manifest } = preview;
		const existing = await this.o.registry.get(manifest.id);
		const now = (this.o.now ?? Date.now)();
		const approved = (choice.approvedHosts ?? existing?.approvedHosts ?? []).filter((h) =>
			manifest.permissions.hosts.includes(h)
		);
		const record: InstalledPlugin = {
			id: manifest.id,
			manifestText: files.manifestText,
			code: files.code,
			sha256: preview.sha256,
			enabled: choice.enable ?? existing?.enabled ?? false,
			approvedHosts: approved,
			source: files.source,
			installedAt: existing?.installedAt ?? now,
			updatedAt: now
		};
		await this.o.registry.put(record);
		this.#invalidate();
		return summarize(record);
	}

	/** Fetches a manifest URL and the module it names (relative to it); resolves with the files. */
	async fetchFromUrl(url: string): Promise<PluginFilesInput> {
		let base: URL;
		try {
			base = new URL(url);
		} catch {
			throw new PromptloomError('validation', `"${url}" is not a URL`);
		}
		if (base.protocol !== 'https:' && base.protocol !== 'http:')
			throw new PromptloomError('validation', 'plugins are installed from http(s) URLs');
		const get = async (u: URL) => {
			const res = await (this.o.fetch ?? fetch)(u, { redirect: 'follow' });
			if (!res.ok) throw new PromptloomError('not_found', `${u.href} answered HTTP ${res.status}`);
			return res.text();
		};
		const manifestUrl = base.pathname.endsWith('.json')
			? base
			: new URL(MANIFEST_FILE, base.href.endsWith('/') ? base : `${base.href}/`);
		const manifestText = await get(manifestUrl);
		const m = checkManifest(manifestText);
		if (!m.ok)
			throw new PromptloomError(
				'validation',
				`invalid ${MANIFEST_FILE}: ${m.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
			);
		const code = await get(new URL(m.manifest.main, manifestUrl));
		return { manifestText, code, source: manifestUrl.href };
	}

	async list(): Promise<PluginSummary[]> {
		return (await this.o.registry.list()).map(summarize);
	}

	async setEnabled(id: string, enabled: boolean): Promise<void> {
		const p = await this.#get(id);
		await this.o.registry.put({ ...p, enabled, updatedAt: (this.o.now ?? Date.now)() });
		this.#invalidate();
	}

	async setApprovedHosts(id: string, hosts: readonly string[]): Promise<void> {
		const p = await this.#get(id);
		const declared = checkManifest(p.manifestText);
		const allowed = declared.ok ? declared.manifest.permissions.hosts : [];
		await this.o.registry.put({ ...p, approvedHosts: hosts.filter((h) => allowed.includes(h)) });
		this.#invalidate();
	}

	async remove(id: string): Promise<void> {
		await this.#get(id);
		await this.o.registry.remove(id);
		this.#invalidate();
	}

	/** The enabled plugins, loaded (a plugin that fails to load is left out and reported). */
	active(): Promise<PluginSet> {
		this.#active ??= this.#load();
		return this.#active;
	}

	/** Problems of enabled plugins that did not load, by id (filled by `active`). */
	readonly loadErrors = new Map<string, string>();

	/** Findings of every enabled plugin's lint rules. */
	async lint(prompt: LintablePrompt): Promise<LintFinding[]> {
		const set = await this.active();
		const out: LintFinding[] = [];
		for (const p of set.plugins) out.push(...(await lintWithPlugin(p, prompt)));
		return out;
	}

	async exporters(): Promise<PluginExporterRef[]> {
		const set = await this.active();
		return set.plugins.flatMap((p) =>
			p.manifest.contributes.exporters.map((e) => ({
				ref: `plugin:${p.id}/${e.name}`,
				title: e.title ?? e.name,
				pluginName: p.manifest.name
			}))
		);
	}

	async export(
		ref: string,
		lib: { prompts: readonly Prompt[]; folders: readonly Folder[] }
	): Promise<ExportedFile[]> {
		const { plugin, name } = (await this.active()).resolve('exporters', ref);
		return runPluginExporter(plugin, name, lib);
	}

	/** Runs exporter `ref` on the app's library. */
	async exportLibrary(ref: string): Promise<ExportedFile[]> {
		if (!this.o.library) throw new PromptloomError('not_found', 'no library to export here');
		return this.export(ref, await this.o.library());
	}

	async #get(id: string): Promise<InstalledPlugin> {
		const p = await this.o.registry.get(id);
		if (!p) throw new PromptloomError('not_found', `no plugin "${id}" is installed`);
		return p;
	}

	/** Closes the plugins in use and loads the enabled ones again (their scorers re-registered). */
	#invalidate(): void {
		const old = this.#active;
		this.#active = (old ? old.then((s) => s.close()) : Promise.resolve()).then(() => this.#load());
		this.#active.catch(() => {});
	}

	async #load(): Promise<PluginSet> {
		const set = new PluginSet();
		this.loadErrors.clear();
		const sessions = this.o.sessions();
		if (!sessions) return set;
		for (const p of await this.o.registry.list()) {
			if (!p.enabled) continue;
			try {
				const m = checkManifest(p.manifestText);
				if (!m.ok) throw new Error(m.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
				const plugin = await LoadedPlugin.load({ manifest: m.manifest, code: p.code }, sessions);
				try {
					set.add(plugin);
				} catch (e) {
					plugin.dispose();
					throw e;
				}
			} catch (e) {
				this.loadErrors.set(p.id, (e as Error).message);
			}
		}
		return set;
	}

	dispose(): void {
		void this.#active?.then((s) => s.close());
		this.#active = null;
	}
}

function summarize(p: InstalledPlugin): PluginSummary {
	const m = checkManifest(p.manifestText);
	const manifest = m.ok ? m.manifest : null;
	return {
		id: p.id,
		name: manifest?.name ?? p.id,
		version: manifest?.version ?? '?',
		description: manifest?.description ?? '',
		enabled: p.enabled,
		sha256: p.sha256,
		source: p.source,
		permissions: manifest ? describePermissions(manifest) : [],
		approvedHosts: p.approvedHosts,
		contributions: manifest
			? (['scorers', 'lintRules', 'exporters', 'providers'] as const).flatMap((k) =>
					manifest.contributes[k].map(
						(c) => `${k === 'lintRules' ? 'lint rule' : k.slice(0, -1)} ${c.name}`
					)
				)
			: []
	};
}
