/** @module Rune state of one playground page: prompt, variables, render preview, model columns, history. */
import { app } from '$lib/state/app.svelte';
import type { ChatMessage } from '$lib/core/model/prompt';
import type { Version } from '$lib/core/model/version';
import type { ColumnResult, PlaygroundPrompt, PlaygroundRun } from '$lib/core/playground/index';
import { extractVariables } from '$lib/core/template/variables';
import { checkTemplate } from '$lib/core/template/lint';
import {
	appendAssistantReply,
	continueConversation,
	startConversation
} from '$lib/core/template/conversation';
import { createBrowserRenderer } from '$lib/core/template/web-renderer';
import { loadTokenizer } from '$lib/core/providers/tokenizer';
import type { Renderer } from '$lib/core/template/renderer';
import type { RenderResult, TemplateVariable } from '$lib/core/template/types';
import { TemplateError } from '$lib/core/template/errors';
import { initialText, parseFormValues } from './variable-values';

export type ColumnState = 'idle' | 'running' | ColumnResult['status'];

export interface ColumnView {
	spec: string;
	state: ColumnState;
	text: string;
	/** Messages sent before this answer (the conversation so far). */
	history: ChatMessage[];
	result?: ColumnResult;
}

export interface TemplateProblem {
	/** Where: `template` or `message 2 (user)`. */
	where: string;
	message: string;
	line?: number;
	column?: number;
}

export class PlaygroundSession {
	promptId = $state<string | null>(null);
	versionId = $state<string | null>(null);
	loaded = $state<PlaygroundPrompt | null>(null);
	versions = $state<Version[]>([]);
	raw = $state<Record<string, string>>({});
	specs = $state<string[]>([]);
	modelOptions = $state<string[]>([]);
	temperature = $state<number | undefined>(undefined);
	maxTokens = $state<number | undefined>(undefined);
	rendered = $state<RenderResult | null>(null);
	renderError = $state<TemplateProblem | null>(null);
	rendering = $state(false);
	columns = $state<ColumnView[]>([]);
	running = $state(false);
	turn = $state(0);
	runs = $state<PlaygroundRun[]>([]);
	loadError = $state('');
	#controller: AbortController | null = null;
	#renderer: Renderer | null = null;

	/** Syntax problems found by parsing each template, before anything renders. */
	problems = $derived.by((): TemplateProblem[] => {
		const l = this.loaded;
		if (!l) return [];
		const opts = l.metadata.templateOptions;
		const sources =
			l.content.type === 'text'
				? [{ where: 'template', source: l.content.content }]
				: l.content.messages.map((m, i) => ({
						where: `message ${i + 1} (${m.role})`,
						source: m.content
					}));
		return sources.flatMap(({ where, source }) => {
			const d = checkTemplate(source, opts);
			return d ? [{ where, message: d.message, line: d.line, column: d.column }] : [];
		});
	});

	variables = $derived.by((): TemplateVariable[] => {
		const l = this.loaded;
		if (!l || this.problems.length > 0) return [];
		const sources =
			l.content.type === 'text' ? [l.content.content] : l.content.messages.map((m) => m.content);
		try {
			return extractVariables(sources, l.metadata.templateOptions);
		} catch {
			return [];
		}
	});

	form = $derived(parseFormValues(this.variables, this.raw));

	get #core() {
		if (!app.core) throw new Error('the library is not open');
		return app.core;
	}

	#renderer_(): Renderer {
		this.#renderer ??= createBrowserRenderer();
		return this.#renderer;
	}

	async init(): Promise<void> {
		// Warm the tokenizer (a separate chunk) so the first run does not wait for it; a failed
		// warm-up is retried by the run itself.
		loadTokenizer().catch(() => undefined);
		const providers = this.#core.providers;
		this.modelOptions = await providers.modelSpecs();
		if (this.specs.length === 0) this.specs = this.modelOptions.slice(0, 2);
	}

	/** Opens a prompt (its working copy, or a committed version) and resets the form. */
	async load(promptId: string | null, versionId: string | null = null): Promise<void> {
		this.cancel();
		this.promptId = promptId;
		this.versionId = versionId;
		this.rendered = null;
		this.renderError = null;
		this.columns = [];
		this.turn = 0;
		this.loadError = '';
		if (!promptId) {
			this.loaded = null;
			this.runs = [];
			this.versions = [];
			return;
		}
		try {
			const core = this.#core;
			this.loaded = await core.playground.load(promptId, versionId);
			this.versions = await core.vcs.history(promptId).catch(() => []);
			this.runs = await core.playground.history(promptId);
			const mc = this.loaded.metadata.modelConfig;
			this.temperature = mc.temperature;
			this.maxTokens = mc.maxTokens;
			const raw: Record<string, string> = {};
			for (const v of this.variables) raw[v.name] = this.raw[v.name] ?? initialText(v);
			this.raw = raw;
		} catch (e) {
			this.loaded = null;
			this.loadError = e instanceof Error ? e.message : String(e);
		}
	}

	/** Renders the prompt with the form's values in the render worker; the result has a trace. */
	async render(): Promise<RenderResult | null> {
		const l = this.loaded;
		if (!l) return null;
		this.renderError = null;
		if (this.problems.length > 0) {
			this.renderError = this.problems[0];
			this.rendered = null;
			return null;
		}
		if (this.form.blocking) {
			this.renderError = { where: 'variables', message: Object.values(this.form.issues)[0] };
			return null;
		}
		this.rendering = true;
		try {
			this.rendered = await this.#core.playground.render(
				{ content: l.content, metadata: l.metadata, variables: this.form.values },
				this.#renderer_()
			);
			return this.rendered;
		} catch (e) {
			this.rendered = null;
			this.renderError = {
				where: e instanceof TemplateError && e.template ? e.template : 'render',
				message: e instanceof Error ? e.message : String(e),
				line: e instanceof TemplateError ? e.line : undefined,
				column: e instanceof TemplateError ? e.column : undefined
			};
			return null;
		} finally {
			this.rendering = false;
		}
	}

	/** Renders, then sends the result to every chosen model side by side (turn 1). */
	async run(): Promise<void> {
		const specs = this.specs.map((s) => s.trim()).filter(Boolean);
		if (specs.length === 0) {
			app.toast('Choose at least one model', 'error');
			return;
		}
		const rendered = await this.render();
		if (!rendered) return;
		const messages = startConversation(rendered);
		this.turn = 1;
		await this.#send(
			specs.map((spec) => ({ spec, history: messages })),
			undefined
		);
	}

	/** Conversation mode: each finished column gets its answer and the user's next turn. */
	async continueWith(userTurn: string): Promise<void> {
		const done = this.columns.filter((c) => c.state === 'done' && c.result);
		if (done.length === 0) return;
		let next;
		try {
			next = done.map((c) => ({
				spec: c.spec,
				history: continueConversation(
					appendAssistantReply($state.snapshot(c.history), c.result!.text),
					userTurn
				)
			}));
		} catch (e) {
			app.toast(e instanceof Error ? e.message : String(e), 'error');
			return;
		}
		this.turn += 1;
		await this.#send(next, userTurn);
	}

	async #send(cols: { spec: string; history: ChatMessage[] }[], userTurn: string | undefined) {
		this.columns = cols.map((c) => ({
			spec: c.spec,
			state: 'running',
			text: '',
			history: c.history
		}));
		this.running = true;
		const controller = new AbortController();
		this.#controller = controller;
		try {
			await this.#core.playground.run(
				{
					promptId: this.promptId,
					versionId: this.versionId,
					variables: this.form.values,
					columns: cols.map((c) => ({ spec: c.spec, messages: c.history })),
					temperature: this.temperature,
					maxTokens: this.maxTokens,
					turn: this.turn,
					userTurn
				},
				{
					onDelta: (i, delta) => {
						this.columns[i].text += delta;
					},
					onColumn: (i, result) => {
						this.columns[i].state = result.status;
						this.columns[i].result = result;
						this.columns[i].text = result.text;
					}
				},
				controller.signal
			);
			if (this.promptId) this.runs = await this.#core.playground.history(this.promptId);
		} catch (e) {
			app.fail(e);
		} finally {
			this.running = false;
			if (this.#controller === controller) this.#controller = null;
		}
	}

	cancel(): void {
		this.#controller?.abort();
	}

	/** Shows a saved run in the columns (read-only until run again). */
	show(run: PlaygroundRun): void {
		this.columns = run.columns.map((c) => ({
			spec: c.spec,
			state: c.status,
			text: c.text,
			history: c.messages,
			result: c
		}));
		this.turn = run.turn;
	}

	dispose(): void {
		this.cancel();
		this.#renderer?.dispose();
		this.#renderer = null;
	}
}
