/** @module Wires the core services together over one database; the UI holds one instance. */
import { EventBus, type DomainEvents } from './events';
import { allowAllWrites, type WriteGuard } from './model/write-guard';
import { LibraryService } from './library/library-service';
import { IdentityService } from './identity/identity';
import { createDatabase, type OpenDatabaseOptions, type PromptloomDb } from './store/db';
import { guardStorage } from './store/storage-errors';
import { FullTextIndex } from './search/full-text-index';
import {
	exportLibrary,
	importLibrary,
	type ImportMode,
	type ImportSummary
} from './library/backup-service';
import { parseLibrary, serializeLibrary } from './io/library-file';
import type { LibraryFile } from './io/library-schema';
import type { LibraryTextFormat } from './io/text-format';
import { DexieVcsStore } from './vcs/store.dexie';
import { VcsService } from './vcs/service';
import { PromptVcs } from './vcs/prompt-vcs';
import { AppProviderRegistry } from './providers/app-registry';
import { PlaygroundService } from './playground/playground-service';
import { FewShotService } from './fewshot/fewshot-service';
import { EvalService } from './eval/eval-service';
import { inProcessRenderer } from './eval/run/in-process-renderer';
import { WorkerJsSandbox } from './eval/sandbox/js-sandbox.web';
import { createBrowserRenderer } from './template/web-renderer';
import type { Renderer } from './template/renderer';
import type { JsSandbox } from './eval/sandbox/js-sandbox';
import { AuditLog } from './security/audit/log';
import { DexieAuditStorage } from './security/audit/storage.dexie';
import { AuditRecorder } from './security/audit/recorder';
import { followSyncWorkspace } from './security/audit/follow-sync';
import { followSyncPolicy } from './security/scan/follow-sync';
import { followSyncFewShot } from './fewshot/follow-sync';
import { CollabService } from './collab/collab-service';
import { ApiAccessService } from './api/api-access-service';
import { SyncService, type SyncServiceOptions } from './sync/sync-service';
import { idbPersistence } from './sync/idb-persistence';
import { memoryPersistence } from './sync/doc-persistence';
import { buildDashboard, type Dashboard, type DashboardOptions } from './analytics/dashboard';
import { DexieAnalyticsSource } from './analytics/source.dexie';
import { readProduction, type ProductionVersion } from './analytics/production';
import { SemanticService, type SemanticServiceOptions } from './search/embeddings/semantic-service';
import { SecurityService } from './security/scan/security-service';
import { createWebScanner } from './security/scan/scan-worker.web';
import { PluginService } from './plugins/plugin-service';
import { DexiePluginRegistry } from './plugins/registry.dexie';
import type { ModuleSessionFactory } from './sandbox/session';
import { WorkerModuleSessions } from './sandbox/session.web';
import { combineLabelGuards } from './security/scan/label-gate';
import { guardRegistry } from './security/scan/guard';

export interface BackupApi {
	/** The whole library as a backup file's text. */
	exportText(format: LibraryTextFormat): Promise<string>;
	/** Writes an already validated library file (all of it or nothing). */
	importFile(file: LibraryFile, mode: ImportMode): Promise<ImportSummary>;
	/** Validates the whole file, then writes all of it or nothing. */
	importText(
		text: string,
		mode: ImportMode,
		format?: LibraryTextFormat | 'auto'
	): Promise<ImportSummary>;
}

export interface AppCore {
	db: PromptloomDb;
	events: EventBus<DomainEvents>;
	library: LibraryService;
	search: FullTextIndex;
	/** Settles when the start-up full-text indexing is complete. */
	searchIndexed: Promise<void>;
	backup: BackupApi;
	/** Version control of prompts (commits of the working copy, branches, merges, labels). */
	vcs: PromptVcs;
	/** Configured LLM providers with their encrypted keys; `resolve('<id>:<model>')` gives a provider. */
	providers: AppProviderRegistry;
	/** Runs prompts against several models side by side and keeps the run history. */
	playground: PlaygroundService;
	/**
	 * Security policy (what is redacted or blocked before a model call leaves the device), scans
	 * of text and of the whole library.
	 */
	security: SecurityService;
	/** Named few-shot example sets that templates insert with `fewshot("name")`. */
	fewShot: FewShotService;
	/** Datasets and evaluation runs (estimate, start, cancel, resume, review, scores per version). */
	evals: EvalService;
	/** Installed plugins (local-only): install, permissions, enable; scorers, lint rules, exporters. */
	plugins: PluginService;
	/** Tamper-evident audit log (hash chain signed with this device's key); fed by core events. */
	audit: AuditLog;
	/** Workspace, members and roles, reviews of protected labels, comments. */
	collab: CollabService;
	/** The relay's HTTP API for this workspace: API keys, webhooks, the OpenAPI description. */
	api: ApiAccessService;
	/** Local-first sync with a relay (dormant for a personal library). */
	sync: SyncService;
	/** My display name and colour (Settings), used by commits, presence and cursors. */
	identity: IdentityService;
	/** Dashboards over evaluation runs: the whole workspace, or one prompt. */
	analytics: {
		dashboard(filter?: DashboardOptions): Promise<Dashboard>;
		/**
		 * Production use per version as applications report it to the relay (a shared workspace's
		 * synced aggregates, with latency and feedback drift); empty for a personal library.
		 */
		production(): Promise<ProductionVersion[]>;
	};
	/**
	 * Semantic search over the library with a caller-provided embedder and analyzer (the browser
	 * passes its worker); the service reads and writes vectors in this core's database.
	 */
	createSemanticService(
		options: Omit<SemanticServiceOptions, 'db' | 'fullText' | 'events'>
	): SemanticService;
	/** Stops background work, waits for pending audit writes, then closes the database. */
	close(): Promise<void>;
}

export interface AppCoreOptions extends OpenDatabaseOptions {
	/** Overrides for sync (Node: a WebSocket implementation; tests: persistence). */
	sync?: Partial<Omit<SyncServiceOptions, 'db' | 'events'>>;
	author?: () => string;
	now?: () => number;
	/** Called when another tab needs a newer schema and this one must let go. */
	onVersionChange?: () => void;
	/** Called when opening waits on another tab that holds an older schema open. */
	onBlocked?: () => void;
	/** Template renderer for evaluations; default: a Web Worker in browsers, in-process elsewhere. */
	evalRenderer?: () => Renderer;
	/** Sandbox for `javascript` scorers; default: the WebAssembly sandbox in a Web Worker in browsers, none elsewhere. */
	evalSandbox?: () => JsSandbox;
	/** Sandbox for plugin modules; default: a Web Worker in browsers, none elsewhere. */
	pluginSessions?: ModuleSessionFactory;
}

/** Opens the local database, builds the search index and keeps it current. */
export async function openAppCore(options: AppCoreOptions = {}): Promise<AppCore> {
	const db = createDatabase(options);
	db.on('versionchange', () => {
		db.close();
		options.onVersionChange?.();
		return false;
	});
	db.on('blocked', () => options.onBlocked?.());
	await guardStorage('open the local database', () => db.open());
	const events = new EventBus<DomainEvents>();
	// Set once collaboration is up (below): the current role decides what may change.
	let canEdit: WriteGuard = allowAllWrites;
	const writeGuard: WriteGuard = (what) => canEdit(what);
	const identity = new IdentityService(db);
	await identity.load();
	// Set once collaboration is up (below): the user the relay token names.
	let relayUser = () => '';
	// The display name chosen in Settings, else the caller's author, else the relay user.
	const author = () => identity.nameOr(options.author?.().trim() || relayUser());
	const library = new LibraryService({
		db,
		events,
		author,
		now: options.now,
		writeGuard
	});
	await library.loadUndoHistory();
	const search = new FullTextIndex();
	// Large libraries open at once; text search completes in the background.
	const searchIndexed = search.rebuildInBackground(
		await library.listPrompts(),
		await library.listFolders()
	);

	events.on('prompts:changed', ({ upserted, removed }) => {
		for (const p of upserted) search.upsert(p);
		for (const id of removed) search.remove(id);
	});
	events.on('folders:changed', ({ upserted, removed }) => search.updateFolders(upserted, removed));
	const backup: BackupApi = {
		exportText: async (format) => serializeLibrary(await exportLibrary(db), format),
		importFile: async (file, mode) => {
			writeGuard('import a library');
			const summary = await importLibrary(db, file, { mode });
			library.undoStack.clear();
			// After a replace the file is the whole library: index it without reading it back.
			if (mode === 'replace') search.rebuild(file.prompts, file.folders);
			else search.rebuild(await library.listPrompts(), await library.listFolders());
			events.emit('library:replaced', {});
			return summary;
		},
		importText: async (text, mode, format = 'auto') =>
			backup.importFile(parseLibrary(text, format), mode)
	};
	const vcs = new PromptVcs({
		db,
		library,
		events,
		author,
		writeGuard,
		vcs: new VcsService({ store: new DexieVcsStore(db), now: options.now })
	});
	const providers = new AppProviderRegistry({ db, now: options.now });
	const fewShot = new FewShotService(db);
	// Library scans run in a Web Worker in browsers, in-process elsewhere.
	const security = new SecurityService(db, {
		scanner: typeof Worker !== 'undefined' ? createWebScanner() : undefined
	});
	const playground = new PlaygroundService({
		db,
		providers,
		fewShotSets: () => fewShot.listOrEmpty(),
		securityPolicy: () => security.policy(),
		now: options.now,
		library: {
			getPrompt: (id) => library.getPrompt(id),
			findByName: (name) => library.findByName(name),
			getVersion: (promptId, versionId) => vcs.getVersion(promptId, versionId),
			listLabels: (promptId) => vcs.service.listLabels(promptId)
		}
	});
	const hasWorkers = typeof Worker !== 'undefined';
	const evals = new EvalService({
		db,
		library,
		vcs,
		// Evaluation calls go through the same security policy as the playground.
		providers: () => guardRegistry(providers, { policy: () => security.policy() }),
		renderer:
			options.evalRenderer ?? (() => (hasWorkers ? createBrowserRenderer() : inProcessRenderer())),
		sandbox: options.evalSandbox ?? (hasWorkers ? () => new WorkerJsSandbox() : undefined),
		fewShotSets: () => fewShot.listOrEmpty(),
		now: options.now
	});
	let pluginSessions = options.pluginSessions;
	const plugins = new PluginService({
		registry: new DexiePluginRegistry(db),
		sessions: () => (pluginSessions ??= hasWorkers ? new WorkerModuleSessions() : undefined),
		library: async () => ({
			prompts: await library.listPrompts(),
			folders: await library.listFolders()
		}),
		now: options.now
	});
	// Enabled plugins' scorers are registered before evaluations are opened.
	void plugins.active();
	// The actor is the relay user in a shared workspace, else the author setting.
	let actor = () => options.author?.().trim() || 'anonymous';
	const audit = new AuditLog({
		storage: new DexieAuditStorage(db),
		actor: () => actor(),
		now: options.now
	});
	// Collaboration follows the workspace the sync service is connected to (created below).
	let syncRef: SyncService | null = null;
	const collab = new CollabService({
		db,
		vcs,
		audit,
		user: () => options.author?.() ?? '',
		sharedWorkspace: () => syncRef?.config ?? null,
		fetch: options.sync?.fetch,
		online: options.sync?.isOnline,
		now: options.now
	});
	await collab.init();
	// Production gate: serious security findings need an owner's waiver (audit-logged), after
	// the review check of protected labels.
	vcs.setLabelGuard(
		combineLabelGuards(
			collab.labelGuard,
			security.useLabelGate({
				getVersion: (promptId, versionId) => vcs.getVersion(promptId, versionId),
				audit,
				role: () => collab.access().role
			})
		)
	);
	canEdit = (what) => collab.assertCanEdit(what);
	actor = () => collab.actor();
	relayUser = () => {
		const context = collab.context();
		return context.kind === 'shared' ? context.user : '';
	};
	const auditRecorder = new AuditRecorder({
		db,
		events,
		audit,
		actor,
		onError: (e) => console.error('audit log: could not record a change', e)
	});
	const sync = new SyncService({
		db,
		events,
		author,
		color: (name) => identity.colorFor(name),
		colorChosen: () => identity.colorChosen,
		// Browser: y-indexeddb; Node (injected fake IndexedDB): in memory.
		persistence: options.indexedDB || !globalThis.indexedDB ? memoryPersistence : idbPersistence,
		...options.sync
	});
	syncRef = sync;
	// A synced workspace's audit log lives in its index document (every device's chain).
	const stopAuditFollow = followSyncWorkspace(audit, sync);
	// So is its security policy (an owner edits it; every member's calls follow it).
	const stopPolicyFollow = followSyncPolicy(security, sync, () => collab.access().role);
	// And its few-shot sets, which templates insert with fewshot("name") on every member's device.
	const stopFewShotFollow = followSyncFewShot(fewShot, sync, (what) => collab.assertCanEdit(what));
	// Connecting with a token for "ada" makes "ada" the display name until another is chosen.
	sync.onSessionChange(() => {
		if (!options.author?.().trim()) void identity.prefill(relayUser()).catch(() => {});
	});
	await sync.init();
	return {
		db,
		events,
		library,
		search,
		searchIndexed,
		backup,
		vcs,
		providers,
		playground,
		security,
		fewShot,
		evals,
		plugins,
		audit,
		collab,
		api: new ApiAccessService({ context: () => collab.context(), fetch: options.sync?.fetch }),
		sync,
		identity,
		analytics: {
			dashboard: (filter = {}) => buildDashboard(new DexieAnalyticsSource(db), filter),
			production: async () => {
				const s = sync.session;
				if (!s) return [];
				await s.docs.open();
				return readProduction(s.docs.index);
			}
		},
		createSemanticService: (o) => new SemanticService({ ...o, db, fullText: search, events }),
		close: async () => {
			await library.undoHistorySaved();
			auditRecorder.stop();
			// Let changes already received reach the audit log before the database closes.
			await auditRecorder.idle();
			stopAuditFollow();
			stopPolicyFollow();
			stopFewShotFollow();
			await Promise.allSettled([sync.close(), evals.dispose()]);
			plugins.dispose();
			db.close();
		}
	};
}
