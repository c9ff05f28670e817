/**
 * @module The playground: renders a prompt (working copy or a version) with variables, then runs
 * the messages against several models at once, streaming each column, and saves the run.
 */
import { PromptloomError } from '../model/errors';
import type { Prompt, PromptContent, PromptMetadata } from '../model/prompt';
import { countChatTokens, loadTokenizer } from '../providers/tokens';
import { guardProvider, type GuardReport } from '../security/scan/guard';
import type { SecurityPolicy } from '../security/scan/policy';
import type { ProviderRegistry } from '../providers/registry';
import type { PromptloomDb } from '../store/db';
import { resolveIncludes } from '../template/includes';
import type { Renderer } from '../template/renderer';
import type { ChatMessageTemplate, FewShotSet, RenderResult } from '../template/types';
import { columnError, isCancel } from './column-error';
import { libraryIncludeResolver, type IncludeSources } from './include-resolver';
import { PlaygroundRunStore } from './run-store';
import type {
	ColumnRequest,
	ColumnResult,
	PlaygroundRun,
	PlaygroundRunHandlers,
	PlaygroundRunRequest
} from './types';

/** Most models one run may compare side by side. */
export const MAX_COLUMNS = 6;

/** A prompt as the playground runs it: the working copy or a committed version. */
export interface PlaygroundPrompt {
	prompt: Prompt;
	versionId: string | null;
	content: PromptContent;
	metadata: PromptMetadata;
}

export interface PlaygroundServiceOptions {
	db: PromptloomDb;
	providers: ProviderRegistry;
	library: IncludeSources & { getPrompt(id: string): Promise<Prompt> };
	/** The few-shot sets that `{{ fewshot("name") }}` and `{fewshot: "name"}` messages insert. */
	fewShotSets?: () => Promise<FewShotSet[]>;
	/** The security policy applied to every call before it is sent (none: sent as is). */
	securityPolicy?: () => Promise<SecurityPolicy>;
	now?: () => number;
	newId?: () => string;
}

export interface RenderInput {
	content: PromptContent;
	metadata: Pick<PromptMetadata, 'templateOptions'>;
	variables: Record<string, unknown>;
	trace?: boolean;
}

export class PlaygroundService {
	readonly runs: PlaygroundRunStore;
	readonly #providers: ProviderRegistry;
	readonly #library: PlaygroundServiceOptions['library'];
	readonly #fewShotSets: () => Promise<FewShotSet[]>;
	readonly #securityPolicy: PlaygroundServiceOptions['securityPolicy'];
	readonly #now: () => number;
	readonly #newId: () => string;

	constructor(options: PlaygroundServiceOptions) {
		this.runs = new PlaygroundRunStore(options.db);
		this.#providers = options.providers;
		this.#library = options.library;
		this.#fewShotSets = options.fewShotSets ?? (async () => []);
		this.#securityPolicy = options.securityPolicy;
		this.#now = options.now ?? Date.now;
		this.#newId = options.newId ?? (() => globalThis.crypto.randomUUID());
	}

	/** The prompt's working copy, or the committed `versionId` of it. */
	async load(promptId: string, versionId?: string | null): Promise<PlaygroundPrompt> {
		const prompt = await this.#library.getPrompt(promptId);
		if (!versionId) {
			return {
				prompt,
				versionId: null,
				content: { type: prompt.type, content: prompt.content, messages: prompt.messages },
				metadata: prompt
			};
		}
		if (!this.#library.getVersion)
			throw new PromptloomError('not_found', 'versions are not available here');
		const version = await this.#library.getVersion(promptId, versionId);
		return { prompt, versionId: version.id, content: version.content, metadata: version.metadata };
	}

	/**
	 * Renders in the given worker renderer (untrusted templates never run on the caller's thread),
	 * resolving `include()` from the library first and passing the few-shot sets.
	 * The trace is on unless `trace: false`.
	 */
	async render(input: RenderInput, renderer: Renderer): Promise<RenderResult> {
		const { content, metadata } = input;
		const options = {
			trimBlocks: metadata.templateOptions.trimBlocks,
			lstripBlocks: metadata.templateOptions.lstripBlocks
		};
		const sources =
			content.type === 'text' ? content.content : content.messages.map((m) => m.content);
		const [includes, fewShotSets] = await Promise.all([
			resolveIncludes(sources, libraryIncludeResolver(this.#library), options),
			this.#fewShotSets()
		]);
		const messages: ChatMessageTemplate[] | undefined =
			content.type === 'chat' ? content.messages.map((m) => ({ ...m })) : undefined;
		return renderer.render({
			...(messages ? { messages } : { template: content.content }),
			variables: input.variables,
			includes,
			fewShotSets,
			options: { ...options, trace: input.trace ?? true }
		});
	}

	/**
	 * Sends each column's messages to its model at the same time, streaming through `handlers`.
	 * A failing column never stops the others: each ends `done`, `error` (with a specific message)
	 * or `cancelled` (keeping the text streamed so far). The run is saved to the prompt's history.
	 */
	async run(
		request: PlaygroundRunRequest,
		handlers: PlaygroundRunHandlers = {},
		signal?: AbortSignal
	): Promise<PlaygroundRun> {
		if (request.columns.length === 0)
			throw new PromptloomError('validation', 'choose at least one model to run');
		if (request.columns.length > MAX_COLUMNS)
			throw new PromptloomError('validation', `at most ${MAX_COLUMNS} models run side by side`);
		const createdAt = this.#now();
		const columns = await Promise.all(
			request.columns.map((col, i) => this.#runColumn(col, i, request, handlers, signal))
		);
		const run: PlaygroundRun = {
			id: this.#newId(),
			promptId: request.promptId,
			versionId: request.versionId ?? null,
			createdAt,
			variables: structuredClone(request.variables ?? {}),
			turn: request.turn ?? 1,
			userTurn: request.userTurn,
			temperature: request.temperature,
			maxTokens: request.maxTokens,
			columns
		};
		await this.runs.save(run);
		return run;
	}

	async #runColumn(
		col: ColumnRequest,
		index: number,
		request: PlaygroundRunRequest,
		handlers: PlaygroundRunHandlers,
		signal: AbortSignal | undefined
	): Promise<ColumnResult> {
		let text = '';
		// Counting needs the tokenizer (a separate chunk): it loads while the model answers.
		const estimated = loadTokenizer().then(() => countChatTokens(col.messages));
		estimated.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
		const base = {
			spec: col.spec,
			messages: col.messages.map((m) => ({ ...m })),
			estimatedInputTokens: 0
		};
		let result: ColumnResult;
		let report: GuardReport | undefined;
		try {
			if (signal?.aborted) throw new PromptloomError('cancelled', 'cancelled');
			const resolved = await this.#providers.resolve(col.spec);
			const model = resolved.model;
			const policy = this.#securityPolicy;
			const provider = policy
				? guardProvider(resolved.provider, { policy, onReport: (r) => (report = r) })
				: resolved.provider;
			const r = await provider.chat(
				{
					model,
					messages: col.messages,
					temperature: request.temperature,
					maxTokens: request.maxTokens,
					params: request.params
				},
				{
					signal,
					onDelta: (delta) => {
						text += delta;
						handlers.onDelta?.(index, delta);
					}
				}
			);
			result = {
				...base,
				status: 'done',
				text: r.text,
				usage: r.usage,
				costUsd: r.costUsd,
				latencyMs: r.latencyMs,
				attempts: r.attempts,
				finishReason: r.finishReason,
				model: r.model
			};
		} catch (e) {
			result = isCancel(e, signal)
				? {
						...base,
						status: 'cancelled',
						text,
						error: { code: 'cancelled', message: 'cancelled' }
					}
				: { ...base, status: 'error', text, error: columnError(e) };
		}
		if (report && (report.findings.length > 0 || report.blocked))
			result.security = {
				sent: report.sent,
				redactions: report.entries.map((e) => ({ ...e })),
				findings: report.findings.map((f) => ({
					...f.finding,
					messageIndex: f.index,
					action: f.action
				})),
				blocked: report.blocked
			};
		result.estimatedInputTokens = await estimated;
		handlers.onColumn?.(index, result);
		return result;
	}

	/** A prompt's saved runs, newest first. */
	history(promptId: string, limit?: number): Promise<PlaygroundRun[]> {
		return this.runs.list(promptId, limit);
	}
}
