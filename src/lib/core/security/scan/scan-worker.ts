/**
 * @module Scanning off the main thread: the message contract of the scan worker, its handler
 * (pure, also used in tests), and a client that runs it in any worker-like channel.
 */
import type { Prompt } from '../../model/prompt';
import { scanLibraryItems, type LibraryFieldFindings, type ScannableDataset } from './library-scan';
import type { ScanOptions } from './types';

type ScannablePrompt = Pick<
	Prompt,
	'id' | 'name' | 'type' | 'content' | 'messages' | 'description'
>;

export interface ScanWorkerRequest {
	id: number;
	prompts: ScannablePrompt[];
	datasets: ScannableDataset[];
	options: ScanOptions;
}

export type ScanWorkerResponse =
	| { id: number; ok: true; items: LibraryFieldFindings[] }
	| { id: number; ok: false; error: string };

/** Runs one request (what the worker does with each message). */
export function handleScanRequest(req: ScanWorkerRequest): ScanWorkerResponse {
	try {
		return {
			id: req.id,
			ok: true,
			items: scanLibraryItems(req.prompts, req.datasets, req.options)
		};
	} catch (e) {
		return { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) };
	}
}

/** Scans library items somewhere else (a worker) or in-process. */
export interface ItemScanner {
	scanItems(
		prompts: ScannablePrompt[],
		datasets: ScannableDataset[],
		options?: ScanOptions
	): Promise<LibraryFieldFindings[]>;
	dispose(): void;
}

/** The same work on the calling thread (Node, tests, or no Worker support). */
export const inProcessScanner: ItemScanner = {
	scanItems: async (prompts, datasets, options = {}) =>
		scanLibraryItems(prompts, datasets, options),
	dispose: () => undefined
};

/** A channel to a worker: post a request, hear responses and failures. */
export interface ScanChannel {
	post(req: ScanWorkerRequest): void;
	terminate(): void;
}

/**
 * An {@link ItemScanner} over a worker made by `spawn` (on first use). A worker that fails is
 * dropped and the pending scans are rejected; the next scan starts a new one.
 */
export function workerScanner(
	spawn: (events: {
		message: (r: ScanWorkerResponse) => void;
		failure: (why: string) => void;
	}) => ScanChannel
): ItemScanner {
	let channel: ScanChannel | null = null;
	let next = 1;
	const pending = new Map<
		number,
		{ resolve: (i: LibraryFieldFindings[]) => void; reject: (e: Error) => void }
	>();
	const ensure = () =>
		(channel ??= spawn({
			message: (r) => {
				const p = pending.get(r.id);
				if (!p) return;
				pending.delete(r.id);
				if (r.ok) p.resolve(r.items);
				else p.reject(new Error(r.error));
			},
			failure: (why) => {
				channel?.terminate();
				channel = null;
				for (const p of pending.values()) p.reject(new Error(`the scan worker failed: ${why}`));
				pending.clear();
			}
		}));
	return {
		scanItems: (prompts, datasets, options = {}) =>
			new Promise((resolve, reject) => {
				const id = next++;
				pending.set(id, { resolve, reject });
				ensure().post({ id, prompts, datasets, options });
			}),
		dispose: () => {
			channel?.terminate();
			channel = null;
		}
	};
}
