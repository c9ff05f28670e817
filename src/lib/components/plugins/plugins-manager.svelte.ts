/**
 * @module State of Settings → Plugins: the installed plugins, the plugin being previewed before
 * install or update (with the hosts the user approves), and the actions on them.
 */
import { app } from '$lib/state/app.svelte';
import type {
	PluginFilesInput,
	PluginPreview,
	PluginSummary
} from '$lib/core/plugins/plugin-service';

const MANIFEST_FILE = 'promptloom-plugin.json';

export class PluginsManager {
	plugins = $state<PluginSummary[]>([]);
	loadErrors = $state<Record<string, string>>({});
	preview = $state<{ files: PluginFilesInput; preview: PluginPreview; hosts: string[] } | null>(
		null
	);
	error = $state('');
	busy = $state(false);

	#service() {
		return app.core!.plugins;
	}

	async load(): Promise<void> {
		try {
			this.plugins = await this.#service().list();
			await this.#service().active();
			this.loadErrors = Object.fromEntries(this.#service().loadErrors);
		} catch (e) {
			this.error = e instanceof Error ? e.message : String(e);
		}
	}

	/** Reads the picked files (the manifest and the module it names) and previews them. */
	async fromFiles(list: FileList | File[]): Promise<void> {
		const files = [...list];
		const manifest = files.find((f) => f.name === MANIFEST_FILE);
		await this.#previewing(async () => {
			if (!manifest) throw new Error(`choose ${MANIFEST_FILE} and the plugin's module together`);
			const manifestText = await manifest.text();
			let main = '';
			try {
				main = String((JSON.parse(manifestText) as { main?: unknown }).main ?? '');
			} catch {
				// the preview reports the manifest's problems
			}
			const module = files.find((f) => f.name === main);
			if (!module && main) throw new Error(`choose the module ${main} too`);
			return { manifestText, code: (await module?.text()) ?? '', source: manifest.name };
		});
	}

	async fromUrl(url: string): Promise<void> {
		await this.#previewing(() => this.#service().fetchFromUrl(url.trim()));
	}

	async #previewing(read: () => Promise<PluginFilesInput>): Promise<void> {
		this.error = '';
		this.preview = null;
		this.busy = true;
		try {
			const files = await read();
			const preview = await this.#service().preview(files);
			this.preview = { files, preview, hosts: [] };
		} catch (e) {
			this.error = e instanceof Error ? e.message : String(e);
		} finally {
			this.busy = false;
		}
	}

	/** Approves (or not) one of the previewed plugin's hosts. */
	approve(host: string, yes: boolean): void {
		if (!this.preview) return;
		const rest = this.preview.hosts.filter((h) => h !== host);
		this.preview.hosts = yes ? [...rest, host] : rest;
	}

	async install(enable: boolean): Promise<void> {
		const p = this.preview;
		if (!p) return;
		const done = await app.run(
			() =>
				this.#service().install($state.snapshot(p.files), {
					enable,
					approvedHosts: $state.snapshot(p.hosts)
				}),
			`${p.preview.replaces ? 'Updated' : 'Installed'} ${p.preview.manifest.name}`
		);
		if (done) this.preview = null;
		await this.load();
	}

	async setEnabled(id: string, enabled: boolean): Promise<void> {
		await app.run(() => this.#service().setEnabled(id, enabled));
		await this.load();
	}

	async remove(p: PluginSummary): Promise<void> {
		if (!confirm(`Remove the plugin "${p.name}"?`)) return;
		await app.run(() => this.#service().remove(p.id), `Removed ${p.name}`);
		await this.load();
	}
}
