/**
 * @module The prompt service behind `/v1` and the Langfuse-compatible endpoints: reads a
 * workspace's stored Yjs documents through the {@link DocCache} (decoded views, answers cached by
 * document generation), renders with the template engine in workers, and commits versions and
 * moves labels in the documents as the app does (visible at once to connected clients).
 */
import * as Y from 'yjs';
import type { ApiPrincipal } from './keys';
import { isMoveApproved } from '../../../src/lib/core/collab/doc-schema';
import { createLibraryFile, type LibraryFile } from '../../../src/lib/core/io/library-schema';
import { branchSchema } from '../../../src/lib/core/io/version-schemas';
import type { Prompt } from '../../../src/lib/core/model/prompt';
import type { LabelEvent, Version } from '../../../src/lib/core/model/version';
import {
	labelNames,
	projectFolder,
	projectProject,
	projectPrompt,
	resolveLabel
} from '../../../src/lib/core/sync/projection';
import { INDEX_DOC_ID, promptDocId } from '../../../src/lib/core/sync/workspace-docs';
import {
	indexMaps,
	nestedMap,
	promptDocParts,
	readWorkingCopy
} from '../../../src/lib/core/sync/ydoc-model';
import { TemplateError } from '../../../src/lib/core/template/errors';
import { includeKey, resolveIncludes } from '../../../src/lib/core/template/includes';
import { extractVariables } from '../../../src/lib/core/template/variables';
import type {
	ChatMessageTemplate,
	FewShotSet,
	IncludeRef,
	RenderResult,
	TemplateVariable
} from '../../../src/lib/core/template/types';
import { promptText } from '../../../src/lib/core/model/prompt';
import {
	INDEX_VIEW_MAPS,
	labelsOf,
	mainChain,
	readIndexView,
	readPromptDocView,
	type IndexView,
	type PromptDocView,
	type PromptEntry
} from '../../../src/lib/core/api/workspace-view';
import {
	applyCommitToIndex,
	applyCommitToPromptDoc,
	applyLabelMove,
	planCommit,
	type CommitRequest,
	type PlannedCommit
} from '../../../src/lib/core/api/workspace-writes';
import { RELAY_API_ORIGIN, type RelayCollab } from '../collab/service';
import type { RoomRegistry } from '../rooms/registry';
import type { RoomStore } from '../rooms/store';
import type { ApiConfig } from './config';
import { DocCache, type OpenDoc } from './doc-cache';
import { ApiError, type Answer } from './http';
import { RenderPool } from './render-pool';
import { checkSecurityGate, type GatedMove } from './security-gate';

/** The label read when a request names neither a label nor a version. */
/** Prompt documents read from storage together by an export. */
const EXPORT_CHUNK = 256;

export const DEFAULT_LABEL = 'production';
/** A label every prompt has: the head of main (as in Langfuse). Never stored. */
export const LATEST_LABEL = 'latest';

const INDEX_FILTER = { maps: INDEX_VIEW_MAPS };

/** One prompt with its decoded document and the numbering of main. */
export interface PromptState {
	entry: PromptEntry;
	doc: PromptDocView;
	chain: string[];
	numbers: Map<string, number>;
	/** Generations of the index and the prompt document: names this state for caches. */
	gens: string;
}

/** A version picked by a request. */
export interface Selected {
	state: PromptState;
	version: Version;
	number: number | null;
	/** True when the request named the version itself (its answer never changes). */
	pinned: boolean;
}

export interface VersionSelector {
	label?: string;
	/** A number on main, or a version id or its prefix. */
	version?: string | number;
}

/** A small LRU of answers, each valid for one set of document generations. */
class AnswerCache {
	readonly #map = new Map<string, { gens: string; answer: Answer }>();
	constructor(private readonly capacity: number) {}
	get(key: string, gens: string): Answer | undefined {
		const hit = this.#map.get(key);
		if (!hit || hit.gens !== gens) return undefined;
		this.#map.delete(key);
		this.#map.set(key, hit);
		return hit.answer;
	}
	set(key: string, gens: string, answer: Answer): void {
		this.#map.delete(key);
		this.#map.set(key, { gens, answer });
		if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value!);
	}
}

export interface PromptServiceOptions {
	rooms: RoomRegistry;
	store: RoomStore;
	collab: RelayCollab;
	config: ApiConfig;
}

export class PromptService {
	readonly docs: DocCache;
	readonly answers: AnswerCache;
	readonly #renders: RenderPool;
	readonly #writes = new Map<string, Promise<unknown>>();

	constructor(private readonly o: PromptServiceOptions) {
		this.docs = new DocCache(o.rooms, o.config.cachedDocs);
		this.answers = new AnswerCache(o.config.cachedAnswers);
		this.#renders = new RenderPool(o.config.renderWorkers, o.config.maxQueuedRenders);
	}

	async close(): Promise<void> {
		await Promise.allSettled([...this.#writes.values()]);
		this.#renders.close();
		await this.docs.close();
	}

	/** Runs `read` with the decoded index of `workspace`. */
	withIndex<T>(workspace: string, read: (view: IndexView, index: OpenDoc) => T | Promise<T>) {
		return this.docs.with(workspace, INDEX_DOC_ID, INDEX_FILTER, (index) =>
			read(
				index.view('index', (d) => readIndexView(d)),
				index
			)
		);
	}

	/**
	 * The cached answer `key` for prompt `name` when both its documents are open and unchanged
	 * since it was stored: a hot GET is answered without waiting for anything.
	 */
	cachedAnswer(workspace: string, name: string, key: string): Answer | undefined {
		const index = this.docs.peek(workspace, INDEX_DOC_ID);
		const entry = index?.view('index', (d) => readIndexView(d)).byName.get(name);
		const doc = entry && this.docs.peek(workspace, promptDocId(entry.id));
		return doc ? this.answers.get(key, `${index!.gen}:${doc.gen}`) : undefined;
	}

	/** Runs `read` with prompt `name` and its document decoded; 404 when there is no such prompt. */
	withPrompt<T>(
		workspace: string,
		name: string,
		read: (state: PromptState, index: OpenDoc, doc: OpenDoc) => T | Promise<T>
	): Promise<T> {
		return this.withIndex(workspace, (view, index) => {
			const entry = view.byName.get(name);
			if (!entry) throw new ApiError('not_found', `no prompt named "${name}"`);
			return this.docs.with(workspace, promptDocId(entry.id), 'any', (doc) => {
				const decoded = doc.view('doc', (d) => readPromptDocView(d, entry.id));
				const { chain, numbers } = doc.view(`chain:${entry.mainHead}`, () => {
					const chain = mainChain(decoded.versions, entry.mainHead);
					return { chain, numbers: new Map(chain.map((id, i) => [id, i + 1])) };
				});
				const state = { entry, doc: decoded, chain, numbers, gens: `${index.gen}:${doc.gen}` };
				return read(state, index, doc);
			});
		});
	}

	/** Picks the version a request names: a version (number on main or id), else a label. */
	select(state: PromptState, sel: VersionSelector): Selected {
		const { entry, doc, chain, numbers } = state;
		if (sel.label !== undefined && sel.version !== undefined)
			throw new ApiError('bad_request', 'give a label or a version, not both');
		if (sel.version !== undefined) {
			const v = String(sel.version);
			let id: string | undefined;
			if (/^\d{1,9}$/.test(v) && !(v.length >= 7 && /[a-f]/.test(v))) {
				id = chain[Number(v) - 1];
				if (!id)
					throw new ApiError(
						'not_found',
						`prompt "${entry.name}" has no version ${v} on main (it has ${chain.length})`
					);
			} else {
				const found = [...doc.versions.keys()].filter((k) => k.startsWith(v));
				if (found.length > 1)
					throw new ApiError('bad_request', `version "${v}" is ambiguous: give more characters`);
				id = found[0];
				if (!id) throw new ApiError('not_found', `prompt "${entry.name}" has no version ${v}`);
			}
			return {
				state,
				version: doc.versions.get(id)!,
				number: numbers.get(id) ?? null,
				pinned: true
			};
		}
		const label = sel.label ?? DEFAULT_LABEL;
		const id = label === LATEST_LABEL ? entry.mainHead : entry.labels.get(label);
		if (!id)
			throw new ApiError(
				'not_found',
				label === LATEST_LABEL
					? `prompt "${entry.name}" has no commit yet`
					: `prompt "${entry.name}" has no label "${label}"`
			);
		const version = doc.versions.get(id);
		if (!version)
			throw new ApiError(
				'not_found',
				`label "${label}" of "${entry.name}" points at version ${id.slice(0, 12)}, which the relay does not hold (not synced yet)`
			);
		return { state, version, number: numbers.get(id) ?? null, pinned: false };
	}

	/** Labels of the selected version, with `latest` when it is main's head. */
	labelsOf(s: Selected): string[] {
		const labels = labelsOf(s.state.entry, s.version.id);
		if (s.state.entry.mainHead === s.version.id) labels.push(LATEST_LABEL);
		return labels.sort();
	}

	/** The variables the selected version reads (cached per version; [] when it does not parse). */
	variablesOf(doc: OpenDoc, v: Version): TemplateVariable[] {
		return doc.view(`vars:${v.id}`, () => {
			try {
				const sources =
					v.content.type === 'text' ? v.content.content : v.content.messages.map((m) => m.content);
				return extractVariables(sources, v.metadata.templateOptions);
			} catch {
				return [];
			}
		});
	}

	// ---- render -------------------------------------------------------------------------------

	/**
	 * Renders the selected version with `variables`: includes resolved from the workspace (a
	 * pinned version or label as written; unpinned ones at the same label as the request when the
	 * included prompt has it, else at main's head), few-shot sets from the request.
	 */
	async render(
		workspace: string,
		s: Selected,
		input: {
			label?: string;
			variables: Record<string, unknown>;
			fewShotSets?: FewShotSet[];
			strict: boolean;
		}
	): Promise<RenderResult> {
		const v = s.version;
		const options = {
			...v.metadata.templateOptions,
			strict: input.strict,
			limits: {
				timeoutMs: this.o.config.renderTimeoutMs,
				maxOutputChars: this.o.config.renderMaxOutputChars
			}
		};
		const sources =
			v.content.type === 'text' ? v.content.content : v.content.messages.map((m) => m.content);
		const label = input.label ?? DEFAULT_LABEL;
		try {
			const includes = await resolveIncludes(
				sources,
				(ref) => this.#resolveInclude(workspace, ref, label),
				options
			);
			const messages: ChatMessageTemplate[] | undefined =
				v.content.type === 'chat' ? v.content.messages : undefined;
			return await this.#renders.render({
				...(messages ? { messages } : { template: v.content.content }),
				variables: input.variables,
				options,
				includes,
				fewShotSets: input.fewShotSets
			});
		} catch (e) {
			if (e instanceof ApiError) throw e;
			if (e instanceof TemplateError || (e instanceof Error && 'code' in e))
				throw new ApiError('unprocessable', e.message);
			throw e;
		}
	}

	async #resolveInclude(workspace: string, ref: IncludeRef, label: string) {
		try {
			return await this.withPrompt(workspace, ref.name, (state) => {
				let s: Selected;
				if (ref.version || ref.label) s = this.select(state, ref);
				else {
					const l = state.entry.labels.has(label) ? label : LATEST_LABEL;
					s = this.select(state, { label: l });
				}
				const c = s.version.content;
				return { source: c.type === 'text' ? c.content : promptText(c), versionId: s.version.id };
			});
		} catch (e) {
			if (e instanceof ApiError && e.code === 'not_found')
				throw new TemplateError('not_found', `include ${includeKey(ref)}: ${e.message}`);
			throw e;
		}
	}

	// ---- export -------------------------------------------------------------------------------

	/** The whole workspace as a library file (`promptloom validate` accepts it). */
	async exportLibrary(workspace: string): Promise<LibraryFile> {
		return this.docs.with(workspace, INDEX_DOC_ID, INDEX_FILTER, async (index) => {
			const maps = indexMaps(index.doc);
			const prompts: Prompt[] = [];
			const versions: Version[] = [];
			const ids = [...maps.prompts.keys()].sort();
			for (let from = 0; from < ids.length; from += EXPORT_CHUNK) {
				const chunk = ids.slice(from, from + EXPORT_CHUNK);
				const docs = await this.#readDocs(workspace, chunk.map(promptDocId));
				chunk.forEach((id, i) => {
					const doc = docs[i];
					try {
						const wc = readWorkingCopy(promptDocParts(doc));
						const p = projectPrompt(maps, id, wc);
						if (!p) return;
						prompts.push(p);
						versions.push(
							...[...readPromptDocView(doc, id).versions.values()].sort(
								(a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)
							)
						);
					} finally {
						doc.destroy();
					}
				});
			}
			const kept = new Set(prompts.map((p) => p.id));
			const have = new Set(versions.map((v) => v.id));
			const branches = [...maps.branches.values()]
				.map((b) => branchSchema.safeParse(b))
				.filter((r) => r.success)
				.map((r) => r.data)
				.filter((b) => kept.has(b.promptId) && have.has(b.head));
			const labels = prompts.flatMap((p) =>
				[...labelNames(maps, p.id)]
					.map((n) => resolveLabel(maps, p.id, n))
					.filter((l) => l !== undefined && have.has(l.versionId))
					.map((l) => ({ ...l! }))
			);
			const labelEvents: LabelEvent[] = [...maps.labelEvents.values()]
				.filter((e) => kept.has(e.promptId))
				.sort((a, b) => a.clock - b.clock || a.at - b.at)
				.map(({ clock: _c, ...e }) => e);
			const folders = [...maps.folders.keys()]
				.map((id) => projectFolder(maps, id))
				.filter((f) => f !== null);
			const projects = [...maps.projects.keys()]
				.map((id) => projectProject(maps, id))
				.filter((p) => p !== null);
			return createLibraryFile({
				workspace: { id: workspace, name: workspace },
				prompts,
				folders,
				projects,
				versions,
				branches,
				labels,
				labelEvents
			});
		});
	}

	/** Copies of stored documents (in order): open rooms' state, the others read from storage together. */
	async #readDocs(workspace: string, docIds: string[]): Promise<Y.Doc[]> {
		const names = docIds.map((d) => `${workspace}/${d}`);
		const closed = names.filter((n) => !this.o.rooms.get(n));
		const stored = new Map<string, Uint8Array>();
		if (closed.length) {
			const updates = this.o.store.loadMany
				? await this.o.store.loadMany(closed)
				: await Promise.all(closed.map((n) => this.o.store.load(n)));
			closed.forEach((n, i) => stored.set(n, updates[i]));
		}
		return Promise.all(
			names.map(async (name, i) => {
				const s = stored.get(name);
				if (!s) return this.#readDoc(workspace, docIds[i]);
				const doc = new Y.Doc({ guid: name });
				Y.applyUpdate(doc, s);
				return doc;
			})
		);
	}

	/** A copy of a stored document: the open room's state when open, else from storage. */
	async #readDoc(workspace: string, docId: string): Promise<Y.Doc> {
		const name = `${workspace}/${docId}`;
		// An explicit guid: Yjs would otherwise draw a random one, a measurable cost per document.
		const doc = new Y.Doc({ guid: name });
		const room = this.o.rooms.get(name);
		if (room) {
			await room.ready;
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
		} else Y.applyUpdate(doc, await this.o.store.load(name));
		return doc;
	}

	// ---- writes -------------------------------------------------------------------------------

	/** Runs writes of one workspace one after another. */
	#serial<T>(workspace: string, job: () => Promise<T>): Promise<T> {
		const run = (this.#writes.get(workspace) ?? Promise.resolve()).then(job, job);
		const tail = run.catch(() => undefined);
		this.#writes.set(workspace, tail);
		void tail.then(() => {
			if (this.#writes.get(workspace) === tail) this.#writes.delete(workspace);
		});
		return run;
	}

	/**
	 * Refuses label moves that need a review (protected labels, unless approved or alone) and
	 * moves the production gate holds shut (security findings without an owner's waiver).
	 */
	async #checkMoves(workspace: string, index: Y.Doc, moves: GatedMove[]): Promise<void> {
		const record = await this.o.collab.registry.get(workspace);
		const alone = record.members.length === 1 && record.members[0].role === 'owner';
		for (const m of moves) {
			if (m.label === LATEST_LABEL)
				throw new ApiError(
					'bad_request',
					`"${LATEST_LABEL}" always points at main's head; it cannot be set`
				);
			if (alone || !record.protectedLabels.includes(m.label)) continue;
			if (!isMoveApproved(index, m))
				throw new ApiError(
					'conflict',
					`"${m.label}" is a protected label: moving it to version ${m.versionId.slice(0, 12)} needs a review approved by a reviewer or owner (request one in the app)`
				);
		}
		await checkSecurityGate(index, record, moves);
	}

	/**
	 * Commits `req` on main of prompt `req.name` (creating the prompt when it does not exist)
	 * and points `labels` at the new version, as key `who`. Resolves once stored.
	 */
	commit(
		workspace: string,
		who: ApiPrincipal,
		req: Omit<CommitRequest, 'author'>,
		labels: string[],
		expectedParent?: string | null
	): Promise<{ name: string; version: Version; created: boolean; changed: boolean }> {
		return this.#serial(workspace, () =>
			this.withIndex(workspace, async (view, index) => {
				if (!view.byName.has(req.name) && view.trashed.has(req.name))
					throw new ApiError(
						'conflict',
						`prompt "${req.name}" is in the trash: restore it in the app, or use another name`
					);
				const entry = view.byName.get(req.name);
				if (expectedParent !== undefined) checkParent(req.name, entry, expectedParent);
				const promptId = entry?.id ?? globalThis.crypto.randomUUID();
				return this.docs.with(workspace, promptDocId(promptId), 'any', async (doc) => {
					const decoded = entry ? readPromptDocView(doc.doc, entry.id) : undefined;
					// Committing without main's head would start a second, unrelated history.
					if (entry?.mainHead && !decoded?.versions.has(entry.mainHead))
						throw new ApiError(
							'conflict',
							`the relay does not hold the head of main of "${req.name}" yet (not synced); retry later`
						);
					const plan: PlannedCommit = await planCommit(
						{ ...req, author: who.name },
						entry,
						decoded,
						Date.now(),
						() => promptId
					);
					const moves = [...new Set(labels)]
						.filter((l) => entry?.labels.get(l) !== plan.version.id)
						.map((label) => ({
							promptId,
							label,
							versionId: plan.version.id,
							content: plan.version.content
						}));
					await this.#checkMoves(workspace, index.doc, moves);
					Y.transact(doc.doc, () => applyCommitToPromptDoc(doc.doc, plan), RELAY_API_ORIGIN);
					Y.transact(
						index.doc,
						() => {
							applyCommitToIndex(index.doc, plan, doc.doc);
							const now = Date.now();
							for (const m of moves)
								applyLabelMove(
									index.doc,
									{ ...m, from: entry?.labels.get(m.label) ?? null },
									who.name,
									now
								);
						},
						RELAY_API_ORIGIN
					);
					await Promise.all([doc.persisted(), index.persisted()]);
					return {
						name: req.name,
						version: plan.version,
						created: plan.created,
						changed: plan.changed
					};
				});
			})
		);
	}

	/**
	 * Moves prompt `name` to the trash (restorable in the app); with
	 * `expectedVersion`, only while main's head is still that version.
	 */
	trash(
		workspace: string,
		name: string,
		expectedVersion?: string
	): Promise<{ name: string; deletedAt: number }> {
		return this.#serial(workspace, () =>
			this.withIndex(workspace, async (view, index) => {
				const entry = view.byName.get(name);
				if (!entry)
					throw new ApiError(
						'not_found',
						view.trashed.has(name)
							? `prompt "${name}" is already in the trash`
							: `no prompt named "${name}"`
					);
				if (expectedVersion !== undefined) checkParent(name, entry, expectedVersion);
				const now = Date.now();
				Y.transact(
					index.doc,
					() => {
						const meta = nestedMap(indexMaps(index.doc).prompts, entry.id);
						meta.set('deletedAt', now);
						meta.set('updatedAt', now);
					},
					RELAY_API_ORIGIN
				);
				await index.persisted();
				return { name, deletedAt: now };
			})
		);
	}

	/** Points `labels` of prompt `name` at the selected version, as key `who`. */
	moveLabels(
		workspace: string,
		who: ApiPrincipal,
		name: string,
		sel: VersionSelector,
		labels: string[]
	): Promise<void> {
		return this.#serial(workspace, () =>
			this.withPrompt(workspace, name, async (state, index) => {
				const s = this.select(state, sel);
				const moves = [...new Set(labels)]
					.filter((l) => state.entry.labels.get(l) !== s.version.id)
					.map((label) => ({
						promptId: state.entry.id,
						label,
						versionId: s.version.id,
						content: s.version.content
					}));
				await this.#checkMoves(workspace, index.doc, moves);
				if (!moves.length) return;
				Y.transact(
					index.doc,
					() => {
						const now = Date.now();
						for (const m of moves)
							applyLabelMove(
								index.doc,
								{ ...m, from: state.entry.labels.get(m.label) ?? null },
								who.name,
								now
							);
					},
					RELAY_API_ORIGIN
				);
				await index.persisted();
			})
		);
	}
}

/** Refuses a write based on a head of main that is no longer the head (someone committed since). */
function checkParent(name: string, entry: PromptEntry | undefined, expected: string | null): void {
	const head = entry?.mainHead ?? null;
	if (expected === null && entry)
		throw new ApiError('conflict', `prompt "${name}" already exists: pull it, then edit its file`);
	if (expected !== null && !entry) throw new ApiError('not_found', `no prompt named "${name}"`);
	if (expected !== null && head !== expected && !head?.startsWith(expected))
		throw new ApiError(
			'conflict',
			`main of "${name}" moved: its head is ${head?.slice(0, 12) ?? 'none'}, not ${expected.slice(0, 12)}; pull and merge, then push again`
		);
}
