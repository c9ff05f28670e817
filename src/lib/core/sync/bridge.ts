/** @module Keeps the local database (a projection) and the synced Yjs documents in step. */
import type * as Y from 'yjs';
import type { DomainEvents, EventBus } from '../events';
import type { Folder, Project, Prompt } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';
import type { PromptloomDb } from '../store/db';
import { nextLabelClock } from './label-resolution';
import { resolveNameClashes, type NamedPrompt } from './name-clash';
import {
	labelMoves,
	labelNames,
	projectFolder,
	projectProject,
	projectPrompt,
	resolveLabel
} from './projection';
import type { WorkspaceDocs } from './workspace-docs';
import {
	LOCAL_ORIGIN,
	pairKey,
	PROMPT_META_FIELDS,
	promptDocParts,
	readWorkingCopy,
	splitPairKey,
	type SyncedLabelEvent,
	writeFolder,
	writeProject,
	writePromptMeta,
	writeWorkingCopy
} from './ydoc-model';

export interface SyncBridgeOptions {
	db: PromptloomDb;
	events: EventBus<DomainEvents>;
	docs: WorkspaceDocs;
	/** Called when remote change markers say some prompt documents changed elsewhere. */
	onRemoteMarkers?: (promptIds: string[]) => void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A prompt's working copy (what a live binding owns), comparable as a string. */
const workingCopyKey = (p: Pick<Prompt, 'content' | 'messages'>) =>
	JSON.stringify([p.content, p.messages]);

interface Dirty {
	prompts: Set<string>;
	promptDocs: Set<string>;
	removedPrompts: Set<string>;
	folders: Set<string>;
	projects: Set<string>;
	branches: Set<string>;
	labels: Set<string>;
}

const emptyDirty = (): Dirty => ({
	prompts: new Set(),
	promptDocs: new Set(),
	removedPrompts: new Set(),
	folders: new Set(),
	projects: new Set(),
	branches: new Set(),
	labels: new Set()
});

/**
 * Local mutations (core events) are written into the Yjs documents with origin `LOCAL_ORIGIN`;
 * remote updates (any transaction that is not local: relay, catch-up, device storage) are
 * projected into Dexie through its tables and then announced with the same core events, which
 * the bridge itself ignores so nothing echoes back into Yjs.
 * WARNING: `start()` subscribes to the event bus and the documents; call `stop()` to let go.
 */
export class SyncBridge {
	readonly #db: PromptloomDb;
	readonly #events: EventBus<DomainEvents>;
	readonly #docs: WorkspaceDocs;
	readonly #onRemoteMarkers?: (ids: string[]) => void;
	/**
	 * Prompts open live → their working copy as last saved in the database (`workingCopyKey`;
	 * null while unknown): tells a save that changed the working copy from one of other fields.
	 */
	readonly #live = new Map<string, string | null>();
	readonly #unsubscribe: Array<() => void> = [];
	#queue: Promise<void> = Promise.resolve();
	#dirty = emptyDirty();
	#projecting: Promise<void> | null = null;
	#scheduled = false;
	#applying = false;
	/** Last failure of a write into the documents or of a projection, for the status line. */
	lastError: unknown = null;

	constructor(options: SyncBridgeOptions) {
		this.#db = options.db;
		this.#events = options.events;
		this.#docs = options.docs;
		this.#onRemoteMarkers = options.onRemoteMarkers;
	}

	/** Hooks a newly created prompt document (pass to `WorkspaceDocs` as `onPromptDoc`). */
	watchPromptDoc(promptId: string, doc: Y.Doc): void {
		doc.on('afterTransaction', (tr: Y.Transaction) => {
			if (!tr.local && tr.changed.size) {
				this.#dirty.promptDocs.add(promptId);
				this.#schedule();
			}
		});
	}

	start(): void {
		const ev = this.#events;
		this.#unsubscribe.push(
			ev.on('prompts:changed', (c) => {
				if (this.#applying) return;
				// In the order of the saves: what each one did to a live working copy.
				const pushed = new Set(c.upserted.filter((p) => this.#savedChange(p)).map((p) => p.id));
				if (c.editor) pushed.clear();
				this.#local(() => this.#writePrompts(c.upserted, c.removed, pushed));
			}),
			ev.on('folders:changed', (c) => this.#local(() => this.#writeFolders(c.upserted, c.removed))),
			ev.on('projects:changed', (c) =>
				this.#local(() => this.#writeProjects(c.upserted, c.removed))
			),
			ev.on('vcs:changed', ({ promptId }) => this.#local(() => this.#writeVcs(promptId))),
			ev.on('library:replaced', () => this.#local(() => this.seedFromDexie(true)))
		);
		const { maps } = this.#docs;
		// The dirty sets are replaced at each projection: look them up when a change arrives.
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Y.Map shape
		const deep = (map: Y.Map<any>, into: keyof Dirty, removed?: keyof Dirty) => {
			const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) => {
				if (tr.local) return;
				const d = this.#dirty;
				for (const e of events) {
					if (e.target === map) {
						for (const [key, change] of e.changes.keys) {
							d[into].add(key);
							if (removed && change.action === 'delete') d[removed].add(key);
						}
					} else d[into].add(String(e.path[0]));
				}
				this.#schedule();
			};
			map.observeDeep(handler);
			this.#unsubscribe.push(() => map.unobserveDeep(handler));
		};
		deep(maps.prompts, 'prompts', 'removedPrompts');
		deep(maps.folders, 'folders');
		deep(maps.projects, 'projects');
		deep(maps.branches, 'branches');
		deep(maps.labels, 'labels');
		const onEvents = (e: Y.YMapEvent<SyncedLabelEvent>, tr: Y.Transaction) => {
			if (tr.local) return;
			for (const key of e.keysChanged) {
				const ev = maps.labelEvents.get(key);
				if (ev) this.#dirty.labels.add(pairKey(ev.promptId, ev.label));
			}
			this.#schedule();
		};
		maps.labelEvents.observe(onEvents);
		this.#unsubscribe.push(() => maps.labelEvents.unobserve(onEvents));
		const onMarkers = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) => {
			if (tr.local) return;
			const ids = new Set<string>();
			for (const e of events) {
				if (e.target === maps.markers) for (const k of e.changes.keys.keys()) ids.add(k);
				else ids.add(String(e.path[0]));
			}
			this.#onRemoteMarkers?.([...ids]);
		};
		maps.markers.observeDeep(onMarkers);
		this.#unsubscribe.push(() => maps.markers.unobserveDeep(onMarkers));
	}

	stop(): void {
		for (const u of this.#unsubscribe.splice(0)) u();
	}

	/**
	 * Marks a prompt's working copy (`content` and chat messages) as edited directly through its
	 * document (an editor binding), `saved` being the prompt as the database holds it now. The
	 * editor's own saves (`Changes.editor`) then leave the document alone, since it already holds
	 * what they save, and so do saves of other fields (their working copy may be older than the
	 * document's). Any other save that changes the working copy (checkout, rollback, merge, undo,
	 * import) is diffed into the document, so it reaches the editors and the other devices.
	 */
	setLive(promptId: string, live: boolean, saved?: Pick<Prompt, 'content' | 'messages'>): void {
		if (live) this.#live.set(promptId, saved ? workingCopyKey(saved) : null);
		else this.#live.delete(promptId);
	}

	/**
	 * Notes `p` as the saved state of a live prompt; true when its working copy differs from the
	 * one saved before.
	 */
	#savedChange(p: Prompt): boolean {
		if (!this.#live.has(p.id)) return false;
		const before = this.#live.get(p.id);
		const now = workingCopyKey(p);
		this.#live.set(p.id, now);
		return before !== null && before !== now;
	}

	/** Resolves once every local write reached the documents and every remote change is projected. */
	async flush(): Promise<void> {
		await this.#queue;
		await this.#projectDirty();
	}

	/** Writes the whole local library into the documents (first connection, or after an import). */
	async seedFromDexie(deleteMissing = false): Promise<void> {
		const [prompts, folders, projects] = await Promise.all([
			this.#db.prompts.toArray(),
			this.#db.folders.toArray(),
			this.#db.projects.toArray()
		]);
		if (deleteMissing) {
			const { maps } = this.#docs;
			const keep = (ids: string[]) => new Set(ids);
			const p = keep(prompts.map((x) => x.id));
			const f = keep(folders.map((x) => x.id));
			const pr = keep(projects.map((x) => x.id));
			this.#docs.index.transact(() => {
				for (const id of [...maps.prompts.keys()]) if (!p.has(id)) maps.prompts.delete(id);
				for (const id of [...maps.folders.keys()]) if (!f.has(id)) maps.folders.delete(id);
				for (const id of [...maps.projects.keys()]) if (!pr.has(id)) maps.projects.delete(id);
			}, LOCAL_ORIGIN);
		}
		await this.#writeFolders(folders, []);
		await this.#writeProjects(projects, []);
		const pushed = new Set(prompts.filter((p) => this.#savedChange(p)).map((p) => p.id));
		await this.#writePrompts(prompts, [], pushed);
		for (const p of prompts) await this.#writeVcs(p.id);
	}

	/**
	 * After the documents were replaced by the relay's copy: writes back the local records the
	 * relay lacks or has older (prompts with their text, folders, projects, versions and missing
	 * branches), so legitimate offline work survives a reset. Labels and label moves are not
	 * written back (the relay guards them; a refused move must not be sent again).
	 * Returns how many records were written back.
	 */
	async reapplyLocal(): Promise<number> {
		const db = this.#db;
		const { maps } = this.#docs;
		const newer = (m: Y.Map<unknown> | undefined, r: { updatedAt: number }) =>
			!m || Number(m.get('updatedAt') ?? 0) < r.updatedAt;
		const [prompts, folders, projects, versions, branches] = await Promise.all([
			db.prompts.toArray(),
			db.folders.toArray(),
			db.projects.toArray(),
			db.versions.toArray(),
			db.branches.toArray()
		]);
		const f = folders.filter((x) => newer(maps.folders.get(x.id), x));
		const pr = projects.filter((x) => newer(maps.projects.get(x.id), x));
		const p = prompts.filter((x) => newer(maps.prompts.get(x.id), x));
		await this.#writeFolders(f, []);
		await this.#writeProjects(pr, []);
		await this.#writePrompts(p, []);
		let count = f.length + pr.length + p.length;
		const byPrompt = new Map<string, Version[]>();
		for (const v of versions) byPrompt.set(v.promptId, [...(byPrompt.get(v.promptId) ?? []), v]);
		for (const [promptId, list] of byPrompt) {
			if (!maps.prompts.has(promptId)) continue;
			const doc = await this.#docs.prompt(promptId);
			const parts = promptDocParts(doc);
			const missing = list.filter((v) => !parts.versions.has(v.id));
			if (!missing.length) continue;
			doc.transact(() => {
				for (const v of missing) parts.versions.set(v.id, v);
			}, LOCAL_ORIGIN);
			count += missing.length;
		}
		const missingBranches = branches.filter(
			(b) => maps.prompts.has(b.promptId) && !maps.branches.has(pairKey(b.promptId, b.name))
		);
		if (missingBranches.length)
			this.#docs.index.transact(() => {
				for (const b of missingBranches) maps.branches.set(pairKey(b.promptId, b.name), b);
			}, LOCAL_ORIGIN);
		return count + missingBranches.length;
	}

	/** Rebuilds the local projection from the documents (loads every prompt document). */
	async rebuildProjection(): Promise<void> {
		await this.#queue;
		const { maps } = this.#docs;
		await Promise.all([...maps.prompts.keys()].map((id) => this.#docs.prompt(id)));
		const known = new Set(maps.prompts.keys());
		const stale = (await this.#db.prompts.toCollection().primaryKeys()).filter(
			(id) => !known.has(id)
		);
		const d = this.#dirty;
		for (const id of known) d.promptDocs.add(id);
		for (const id of stale) {
			d.prompts.add(id);
			d.removedPrompts.add(id);
		}
		const fIds = new Set([
			...maps.folders.keys(),
			...(await this.#db.folders.toCollection().primaryKeys())
		]);
		const pIds = new Set([
			...maps.projects.keys(),
			...(await this.#db.projects.toCollection().primaryKeys())
		]);
		for (const id of fIds) d.folders.add(id);
		for (const id of pIds) d.projects.add(id);
		for (const k of maps.branches.keys()) d.branches.add(k);
		for (const id of known) for (const n of labelNames(maps, id)) d.labels.add(pairKey(id, n));
		// Labels only this device has (e.g. a move the relay refused) resolve to the synced state.
		for (const l of await this.#db.labels.toArray())
			if (known.has(l.promptId)) d.labels.add(pairKey(l.promptId, l.name));
		for (const id of known) d.prompts.add(id);
		await this.#projectDirty();
	}

	// ---- local → documents ------------------------------------------------------------------

	#local(job: () => Promise<void>): void {
		if (this.#applying) return;
		this.#queue = this.#queue.then(job).catch((e: unknown) => {
			this.lastError = e;
		});
	}

	/** `pushed`: live prompts whose working copy must go into the document all the same. */
	async #writePrompts(
		upserted: Prompt[],
		removed: string[],
		pushed: ReadonlySet<string> = new Set()
	): Promise<void> {
		const { index, maps } = this.#docs;
		// A prompt open for co-editing is saved after every change of its shared text, remote ones
		// included: only a change of metadata other than `updatedAt` is worth writing then (this
		// also keeps a read-only device from writing anything just by watching others type).
		const meta = upserted.filter(
			(p) =>
				!this.#live.has(p.id) ||
				PROMPT_META_FIELDS.some(
					(k) => k !== 'updatedAt' && !same(maps.prompts.get(p.id)?.get(k) ?? null, p[k] ?? null)
				)
		);
		index.transact(() => {
			for (const p of meta) writePromptMeta(maps, p);
			for (const id of removed) maps.prompts.delete(id);
		}, LOCAL_ORIGIN);
		for (const p of upserted) {
			const doc = await this.#docs.prompt(p.id);
			const skip = this.#live.has(p.id) && !pushed.has(p.id);
			doc.transact(
				() => writeWorkingCopy(promptDocParts(doc), p, { skipContent: skip, skipMessages: skip }),
				LOCAL_ORIGIN
			);
		}
	}

	async #writeFolders(upserted: Folder[], removed: string[]): Promise<void> {
		const { index, maps } = this.#docs;
		index.transact(() => {
			for (const f of upserted) writeFolder(maps, f);
			for (const id of removed) maps.folders.delete(id);
		}, LOCAL_ORIGIN);
	}

	async #writeProjects(upserted: Project[], removed: string[]): Promise<void> {
		const { index, maps } = this.#docs;
		index.transact(() => {
			for (const p of upserted) writeProject(maps, p);
			for (const id of removed) maps.projects.delete(id);
		}, LOCAL_ORIGIN);
	}

	async #writeVcs(promptId: string): Promise<void> {
		await this.#projectDirty();
		const db = this.#db;
		const [versions, branches, labels, events] = await Promise.all([
			db.versions.where('promptId').equals(promptId).toArray(),
			db.branches.where('promptId').equals(promptId).toArray(),
			db.labels.where('promptId').equals(promptId).toArray(),
			db.labelEvents.where('promptId').equals(promptId).toArray()
		]);
		if (versions.length) {
			const doc = await this.#docs.prompt(promptId);
			const parts = promptDocParts(doc);
			doc.transact(() => {
				for (const v of versions) if (!parts.versions.has(v.id)) parts.versions.set(v.id, v);
			}, LOCAL_ORIGIN);
		}
		const { index, maps } = this.#docs;
		const ordered = (events as Array<LabelEvent & { seq?: number }>).sort(
			(a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.at - b.at
		);
		index.transact(() => {
			const branchKeys = new Set(branches.map((b) => pairKey(promptId, b.name)));
			for (const key of [...maps.branches.keys()])
				if (splitPairKey(key)[0] === promptId && !branchKeys.has(key)) maps.branches.delete(key);
			for (const b of branches) {
				const key = pairKey(promptId, b.name);
				if (!same(maps.branches.get(key), b)) maps.branches.set(key, b);
			}
			for (const e of ordered) {
				if (maps.labelEvents.has(e.id)) continue;
				const { seq: _seq, ...event } = e;
				const clock = nextLabelClock(labelMoves(maps, promptId, e.label));
				maps.labelEvents.set(e.id, { ...event, clock });
			}
			const labelKeys = new Set(labels.map((l) => pairKey(promptId, l.name)));
			for (const key of [...maps.labels.keys()])
				if (splitPairKey(key)[0] === promptId && !labelKeys.has(key)) maps.labels.delete(key);
			for (const l of labels) {
				const key = pairKey(promptId, l.name);
				if (!same(maps.labels.get(key), l)) maps.labels.set(key, l);
			}
		}, LOCAL_ORIGIN);
	}

	// ---- documents → local projection -------------------------------------------------------

	#schedule(): void {
		if (this.#scheduled) return;
		this.#scheduled = true;
		setTimeout(() => {
			this.#scheduled = false;
			this.#projectDirty().catch((e: unknown) => {
				this.lastError = e;
			});
		}, 0);
	}

	/** Projects everything marked dirty; runs one projection at a time. */
	async #projectDirty(): Promise<void> {
		while (this.#projecting) await this.#projecting;
		const d = this.#dirty;
		if (!Object.values(d).some((s: Set<string>) => s.size)) return;
		this.#dirty = emptyDirty();
		this.#projecting = this.#project(d).finally(() => (this.#projecting = null));
		await this.#projecting;
	}

	async #project(d: Dirty): Promise<void> {
		const { maps } = this.#docs;
		const db = this.#db;
		if (d.prompts.size) for (const id of this.#renameClashes()) d.prompts.add(id);
		const promptIds = [...new Set([...d.prompts, ...d.promptDocs])];
		const existing = await db.prompts.bulkGet(promptIds);
		const putPrompts: Prompt[] = [];
		const removedPrompts: string[] = [];
		const putVersions: Version[] = [];
		const vcsTouched = new Set<string>();
		promptIds.forEach((id, i) => {
			const old = existing[i];
			const doc = this.#docs.loadedPrompt(id);
			const wc = doc && doc.store.clients.size ? readWorkingCopy(promptDocParts(doc)) : undefined;
			if (!maps.prompts.has(id)) {
				if (old && d.removedPrompts.has(id)) removedPrompts.push(id);
			} else {
				const rec = projectPrompt(maps, id, wc, old);
				if (rec && !same(rec, old)) putPrompts.push(rec);
			}
			if (doc && d.promptDocs.has(id)) {
				for (const v of promptDocParts(doc).versions.values()) putVersions.push(v);
			}
		});
		const newVersionIds = new Set(
			(await db.versions.bulkGet(putVersions.map((v) => v.id)))
				.map((v, i) => (v ? null : putVersions[i].id))
				.filter((x): x is string => x !== null)
		);
		const versions = putVersions.filter((v) => newVersionIds.has(v.id));
		for (const v of versions) vcsTouched.add(v.promptId);

		const folders = this.#recordChanges(d.folders, (id) => projectFolder(maps, id));
		const projects = this.#recordChanges(d.projects, (id) => projectProject(maps, id));
		const oldFolders = await db.folders.bulkGet(folders.ids);
		const oldProjects = await db.projects.bulkGet(projects.ids);
		const folderPuts = folders.records.filter((f, i) => f && !same(f, oldFolders[i])) as Folder[];
		const folderDeletes = folders.ids.filter((id, i) => !folders.records[i] && oldFolders[i]);
		const projectPuts = projects.records.filter(
			(p, i) => p && !same(p, oldProjects[i])
		) as Project[];
		const projectDeletes = projects.ids.filter((id, i) => !projects.records[i] && oldProjects[i]);

		const branchPuts: Branch[] = [];
		const branchDeletes: [string, string][] = [];
		for (const key of d.branches) {
			const [promptId, name] = splitPairKey(key);
			const b = maps.branches.get(key);
			if (b) branchPuts.push(b);
			else branchDeletes.push([promptId, name]);
			vcsTouched.add(promptId);
		}

		await db.transaction(
			'rw',
			[db.prompts, db.folders, db.projects, db.versions, db.branches, db.labels, db.labelEvents],
			async () => {
				if (putPrompts.length) await db.prompts.bulkPut(putPrompts);
				if (removedPrompts.length) await db.prompts.bulkDelete(removedPrompts);
				if (versions.length) await db.versions.bulkPut(versions);
				if (folderPuts.length) await db.folders.bulkPut(folderPuts);
				if (folderDeletes.length) await db.folders.bulkDelete(folderDeletes);
				if (projectPuts.length) await db.projects.bulkPut(projectPuts);
				if (projectDeletes.length) await db.projects.bulkDelete(projectDeletes);
				if (branchPuts.length) await db.branches.bulkPut(branchPuts);
				if (branchDeletes.length) await db.branches.bulkDelete(branchDeletes);
				for (const key of d.labels) {
					const [promptId, name] = splitPairKey(key);
					if (await this.#projectLabel(promptId, name)) vcsTouched.add(promptId);
				}
			}
		);

		// A live working copy now saved is the document's: not a change to push back into it.
		for (const p of putPrompts) if (this.#live.has(p.id)) this.#live.set(p.id, workingCopyKey(p));

		// Announced as remote: views refresh, the audit log does not record them as local acts.
		this.#applying = true;
		try {
			if (putPrompts.length || removedPrompts.length)
				this.#events.emit('prompts:changed', {
					upserted: putPrompts,
					removed: removedPrompts,
					remote: true
				});
			if (folderPuts.length || folderDeletes.length)
				this.#events.emit('folders:changed', {
					upserted: folderPuts,
					removed: folderDeletes,
					remote: true
				});
			if (projectPuts.length || projectDeletes.length)
				this.#events.emit('projects:changed', {
					upserted: projectPuts,
					removed: projectDeletes,
					remote: true
				});
			for (const promptId of vcsTouched)
				this.#events.emit('vcs:changed', { promptId, remote: true });
		} finally {
			this.#applying = false;
		}
	}

	/**
	 * Renames prompts whose names clash after remote changes (see `resolveNameClashes`), in the
	 * index so the rename syncs; every device writes the same value. Returns the renamed ids.
	 */
	#renameClashes(): string[] {
		const { index, maps } = this.#docs;
		const all: NamedPrompt[] = [];
		for (const [id, meta] of maps.prompts.entries()) {
			const name = meta.get('name');
			if (typeof name === 'string')
				all.push({ id, name, deletedAt: (meta.get('deletedAt') as number | null) ?? null });
		}
		const renames = resolveNameClashes(all);
		if (renames.size)
			index.transact(() => {
				for (const [id, name] of renames) maps.prompts.get(id)?.set('name', name);
			}, LOCAL_ORIGIN);
		return [...renames.keys()];
	}

	#recordChanges<T>(ids: Set<string>, read: (id: string) => T | null) {
		const list = [...ids];
		return { ids: list, records: list.map(read) };
	}

	/** Stores the synced moves of a label and where it resolves to; true when anything changed. */
	async #projectLabel(promptId: string, name: string): Promise<boolean> {
		const db = this.#db;
		const { maps } = this.#docs;
		const moves = labelMoves(maps, promptId, name).sort((a, b) => a.clock - b.clock || a.at - b.at);
		let changed = false;
		const have = await db.labelEvents.bulkGet(moves.map((m) => m.id));
		let seq = await db.labelEvents.where('promptId').equals(promptId).count();
		for (let i = 0; i < moves.length; i++) {
			if (have[i]) continue;
			const { clock: _clock, ...event } = moves[i];
			await db.labelEvents.put({ ...event, seq: seq++ } as LabelEvent);
			changed = true;
		}
		const resolved: Label | undefined = resolveLabel(maps, promptId, name);
		const current = await db.labels.get([promptId, name]);
		if (resolved && !same(resolved, current)) {
			await db.labels.put(resolved);
			changed = true;
		} else if (!resolved && current) {
			await db.labels.delete([promptId, name]);
			changed = true;
		}
		return changed;
	}
}
