/** @module Typed contract of the embeddings worker: request handlers, pushed events, both ends. */
import { PromptloomError, type ErrorCode } from '../../model/errors';
import type { DuplicatePair } from './duplicates';
import type { Embedder } from './embedder';
import type { Analyzer, DuplicatesRequest, MapRequest, MapResult } from './library-map';
import type { ModelChoice } from './model-choice';

export type { ModelChoice };

/** Requests the worker answers: name → (args) → result. */
export interface EmbedWorkerHandlers {
	load(args: { model: ModelChoice }): Promise<{ id: string; dims: number }>;
	embed(args: { texts: string[] }): Promise<Float32Array[]>;
	map(args: MapRequest): Promise<MapResult>;
	duplicates(args: DuplicatesRequest): Promise<DuplicatePair[]>;
}

/** Events the worker pushes without being asked. */
export interface EmbedWorkerEvents {
	'model-progress': { model: string; fraction: number };
}

type Name = keyof EmbedWorkerHandlers;
type Args<K extends Name> = Parameters<EmbedWorkerHandlers[K]>[0];
type Result<K extends Name> = Awaited<ReturnType<EmbedWorkerHandlers[K]>>;

export interface RequestMessage {
	type: 'request';
	id: number;
	name: Name;
	args: unknown;
}

export type ReplyMessage =
	| { type: 'reply'; id: number; ok: true; value: unknown }
	| { type: 'reply'; id: number; ok: false; error: { code: ErrorCode; message: string } };

export interface EventMessage {
	type: 'event';
	name: keyof EmbedWorkerEvents;
	payload: unknown;
}

/** What both a `Worker`, the worker's `self` and a `MessagePort` offer. */
export interface PortLike {
	postMessage(message: unknown, transfer?: Transferable[]): void;
	addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
	start?(): void;
}

/** Buffers of the vectors in a value, so they move to the other side instead of being copied. */
function transferables(value: unknown): Transferable[] {
	const out = new Set<ArrayBuffer>();
	const visit = (v: unknown) => {
		if (v instanceof Float32Array && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
		else if (Array.isArray(v)) v.forEach(visit);
	};
	visit(value);
	if (value && typeof value === 'object' && 'vectors' in value) visit(value.vectors);
	return [...out];
}

/** The worker side: answers requests with `handlers`; returns `emit` for pushed events. */
export function serveEmbedWorker(
	port: PortLike,
	handlers: EmbedWorkerHandlers
): <K extends keyof EmbedWorkerEvents>(name: K, payload: EmbedWorkerEvents[K]) => void {
	port.addEventListener('message', (e: MessageEvent) => {
		const msg = e.data as RequestMessage;
		if (msg?.type !== 'request') return;
		const handler = handlers[msg.name] as ((args: unknown) => Promise<unknown>) | undefined;
		const run = handler
			? Promise.resolve().then(() => handler(msg.args))
			: Promise.reject(new PromptloomError('validation', `unknown request "${msg.name}"`));
		run.then(
			(value) => {
				// Outgoing vectors are fresh copies, so transferring them costs the worker nothing.
				const reply: ReplyMessage = { type: 'reply', id: msg.id, ok: true, value };
				port.postMessage(reply, msg.name === 'embed' ? transferables(value) : []);
			},
			(e: unknown) => {
				const error =
					e instanceof PromptloomError
						? { code: e.code, message: e.message }
						: {
								code: 'embedding_unavailable' as const,
								message: e instanceof Error ? e.message : String(e)
							};
				port.postMessage({ type: 'reply', id: msg.id, ok: false, error } satisfies ReplyMessage);
			}
		);
	});
	port.start?.();
	return (name, payload) =>
		port.postMessage({ type: 'event', name, payload } satisfies EventMessage);
}

/**
 * Handlers over a model loader: one embedder at a time, replaced (and freed) by `load`.
 * `emit` forwards model download progress.
 */
export function createEmbedHandlers(
	loadModel: (choice: ModelChoice, onProgress: (fraction: number) => void) => Promise<Embedder>,
	emit: <K extends keyof EmbedWorkerEvents>(name: K, payload: EmbedWorkerEvents[K]) => void
): EmbedWorkerHandlers {
	let current: Embedder | null = null;
	return {
		async load({ model }) {
			const name = model.kind === 'use-lite' ? 'use-lite' : model.options.model;
			const next = await loadModel(model, (fraction) =>
				emit('model-progress', { model: name, fraction })
			);
			current?.dispose?.();
			current = next;
			return { id: next.id, dims: next.dims };
		},
		async embed({ texts }) {
			if (!current) throw new PromptloomError('embedding_unavailable', 'No model is loaded');
			return current.embed(texts);
		},
		// Loaded on first use: the map's UMAP and k-means are most of the worker's code, and this
		// module is also the app's side of the contract.
		map: async (req) => (await import('./library-map')).buildLibraryMap(req),
		duplicates: async (req) => (await import('./library-map')).buildDuplicates(req)
	};
}

/** The page side: typed calls and event subscriptions over a port. */
export class EmbedWorkerClient {
	#port: PortLike;
	#next = 1;
	#pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
	#listeners = new Map<string, Set<(payload: never) => void>>();

	constructor(port: PortLike) {
		this.#port = port;
		port.addEventListener('message', (e: MessageEvent) => {
			const msg = e.data as ReplyMessage | EventMessage;
			if (msg?.type === 'reply') {
				const p = this.#pending.get(msg.id);
				if (!p) return;
				this.#pending.delete(msg.id);
				if (msg.ok) p.resolve(msg.value);
				else p.reject(new PromptloomError(msg.error.code, msg.error.message));
			} else if (msg?.type === 'event') {
				for (const l of this.#listeners.get(msg.name) ?? [])
					(l as (p: unknown) => void)(msg.payload);
			}
		});
		port.start?.();
	}

	call<K extends Name>(name: K, args: Args<K>): Promise<Result<K>> {
		const id = this.#next++;
		return new Promise<Result<K>>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.#port.postMessage({ type: 'request', id, name, args } satisfies RequestMessage);
		});
	}

	/** Fails every call still waiting for an answer (the worker behind the port is going away). */
	close(reason: string): void {
		const error = new PromptloomError('embedding_unavailable', reason);
		for (const p of this.#pending.values()) p.reject(error);
		this.#pending.clear();
		this.#listeners.clear();
	}

	on<K extends keyof EmbedWorkerEvents>(
		name: K,
		listener: (payload: EmbedWorkerEvents[K]) => void
	): () => void {
		let set = this.#listeners.get(name);
		if (!set) this.#listeners.set(name, (set = new Set()));
		set.add(listener as (payload: never) => void);
		return () => set.delete(listener as (payload: never) => void);
	}
}

/** An `Embedder` whose model runs in the worker behind `client`. */
export async function loadWorkerEmbedder(
	client: EmbedWorkerClient,
	model: ModelChoice
): Promise<Embedder> {
	const { id, dims } = await client.call('load', { model });
	return { id, dims, embed: (texts) => client.call('embed', { texts }) };
}

/** Runs the map and duplicate analyses in the worker. */
export function workerAnalyzer(client: EmbedWorkerClient): Analyzer {
	return {
		map: (req) => client.call('map', req),
		duplicates: (req) => client.call('duplicates', req)
	};
}
