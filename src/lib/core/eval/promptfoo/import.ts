/**
 * @module Imports a promptfoo config into the app: prompts in the library, a dataset from its tests,
 * and a prefilled evaluation draft (models and scorers); all of it or nothing.
 */
import type { Dataset } from '../dataset/types';
import {
	parsePromptfooConfig,
	promptfooRows,
	type PromptfooConfig,
	type PromptfooPrompt
} from './config';
import { parseProviderId } from '../provider-id';
import { prepareAssertions } from '../scorers/registry';
import type { Assertion } from '../scorers/types';
import type { LibraryService } from '../../library/library-service';
import { PromptloomError } from '../../model/errors';
import { slugify } from '../../model/ids';
import { ROLES, type ChatMessage, type ModelConfig, type Prompt } from '../../model/prompt';
import { parseModelSpec } from '../../providers/model-spec';
import type { ProviderRegistry } from '../../providers/registry';
import type { DatasetRepository } from '../dataset/repo.dexie';
import { saveEvalDraft, type EvalDraft, type SettingsTable } from '../plan/draft';
import { validatePlan, type EvalPlan, type PlanModel } from '../plan/plan';
import {
	baseName,
	findConfigFile,
	missingFileError,
	missingFiles,
	pickedFileLister,
	pickedFileReader,
	type PickedFile
} from './files';
import { mapPromptfooTests } from './tests';
import { runOnlyWarnings } from './import-warnings';

/** The services an import writes through. */
export interface PromptfooImportDeps {
	library: Pick<
		LibraryService,
		'findByName' | 'createPrompt' | 'deletePrompts' | 'purgePrompts' | 'undoStack'
	>;
	datasets: Pick<DatasetRepository, 'save' | 'remove'>;
	providers: Pick<ProviderRegistry, 'list'>;
	/** Where the evaluation draft goes (the `settings` table). */
	drafts: SettingsTable;
}

/** The import's services from an app core (`openAppCore`). */
export function promptfooImportDeps(core: {
	library: PromptfooImportDeps['library'];
	evals: { datasets: PromptfooImportDeps['datasets'] };
	providers: PromptfooImportDeps['providers'];
	db: { settings: SettingsTable };
}): PromptfooImportDeps {
	return {
		library: core.library,
		datasets: core.evals.datasets,
		providers: core.providers,
		drafts: core.db.settings
	};
}

/** A prompt the import will create. */
export interface ImportPromptPlan {
	/** Unique in the library when the preview was made (re-checked on import). */
	name: string;
	/** The promptfoo label it came from. */
	label: string;
	type: 'text' | 'chat';
	content: string;
	messages: ChatMessage[];
}

/** Everything the import will create, checked and ready; shown to the user before importing. */
export interface PromptfooImportPreview {
	/** The config's file name. */
	source: string;
	prompts: ImportPromptPlan[];
	dataset: Dataset;
	models: PlanModel[];
	assertions: Assertion[];
	judge?: string;
	/** Name of the evaluation draft. */
	draftName: string;
	/** What was not imported, and providers still to configure in Settings. */
	warnings: string[];
}

export interface PromptfooImportResult {
	prompts: { id: string; name: string }[];
	datasetId: string;
	draft: EvalDraft;
	warnings: string[];
}

const fail = (path: string, message: string) =>
	new PromptloomError('validation', `${path}: ${message}`, { path });

/** `openai:chat:gpt-4o-mini` → `openai:gpt-4o-mini` (an app model spec). */
export function modelSpecOfProvider(id: string): string {
	const ref = parseProviderId(id);
	return `${ref.provider}:${ref.model}`;
}

/** The name a prompt gets before de-duplication: its label slugged, or `promptfoo-<n>`. */
function baseNameOf(p: PromptfooPrompt, index: number): string {
	const preview = p.raw.length > 50 ? `${p.raw.slice(0, 50)}…` : p.raw;
	const unlabeled = p.label === preview || (p.label === p.id && /^prompt-\d+$/.test(p.id));
	if (unlabeled) return `promptfoo-${index + 1}`;
	if (p.label.startsWith('file://')) {
		const [file, part] = p.label.split('#');
		const stem = baseName(file).replace(/\.[^.]+$/, '');
		return slugify(part ? `${stem}-${part}` : stem);
	}
	return slugify(p.label);
}

/** Gives each base name a variant free in the library and in the batch (`name`, `name-2`…). */
async function uniqueNames(
	bases: string[],
	taken: (name: string) => Promise<boolean>
): Promise<string[]> {
	const used = new Set<string>();
	const out: string[] = [];
	for (const base of bases) {
		let name = base;
		for (let i = 2; used.has(name) || (await taken(name)); i++) name = `${base.slice(0, 110)}-${i}`;
		used.add(name);
		out.push(name);
	}
	return out;
}

function promptPlan(p: PromptfooPrompt, name: string, index: number): ImportPromptPlan {
	if (!p.messages) return { name, label: p.label, type: 'text', content: p.raw, messages: [] };
	const messages = p.messages.map((m, j) => {
		if (!(ROLES as readonly string[]).includes(m.role))
			throw fail(
				`prompts[${index}].messages[${j}]`,
				`role "${m.role}" is not supported (use ${ROLES.join(', ')})`
			);
		return { role: m.role as ChatMessage['role'], content: m.content };
	});
	return { name, label: p.label, type: 'chat', content: '', messages };
}

function providerWarnings(
	cfg: PromptfooConfig,
	models: PlanModel[],
	configured: { id: string; kind: string }[]
): string[] {
	const warnings: string[] = [];
	const missing = new Map<string, string[]>();
	for (const m of models) {
		const spec = parseModelSpec(m.spec);
		const ok = configured.some(
			(c) => c.id === spec.provider || (spec.kind && c.kind === spec.kind)
		);
		if (!ok) missing.set(spec.provider, [...(missing.get(spec.provider) ?? []), m.spec]);
	}
	for (const [provider, specs] of missing)
		warnings.push(`configure ${provider} in Settings → Providers (needed for ${specs.join(', ')})`);
	cfg.providers.forEach((p, i) => {
		const dropped = (['apiBaseUrl', 'apiKey', 'apiKeyEnvar'] as const).filter((k) => p[k]);
		if (dropped.length)
			warnings.push(
				`providers[${i}] (${p.label}): ${dropped.join(', ')} not imported: set the base URL and key in Settings → Providers`
			);
	});
	return warnings;
}

/** Splits promptfoo `config` params into the library's model config fields. */
function modelConfigOf(m: PlanModel | undefined): ModelConfig {
	if (!m) return { model: 'openai:gpt-4o-mini', params: {} };
	const { temperature, max_tokens: maxTokens, ...params } = m.params ?? {};
	const config: ModelConfig = { model: m.spec, params };
	if (typeof temperature === 'number' && temperature >= 0 && temperature <= 2)
		config.temperature = temperature;
	else if (temperature !== undefined) params.temperature = temperature;
	if (typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0)
		config.maxTokens = maxTokens;
	else if (maxTokens !== undefined) params.max_tokens = maxTokens;
	return config;
}

/**
 * Reads and checks a promptfoo config and the files picked with it, and returns what an import
 * would create. Nothing is written.
 * @param input.files every selected file; the config is found among them unless given.
 * @throws PromptloomError `not_found` naming referenced files that were not selected;
 * `validation` for anything the config or its files get wrong (unsupported keys, bad assertions…).
 */
export async function previewPromptfooImport(
	input: { files: PickedFile[]; config?: PickedFile },
	deps: Pick<PromptfooImportDeps, 'library' | 'providers'>
): Promise<PromptfooImportPreview> {
	const config = input.config ?? findConfigFile(input.files);
	const files = input.files.includes(config) ? input.files : [config, ...input.files];
	const absent = missingFiles(config.text, files);
	if (absent.length) throw missingFileError(absent);
	const notFound: string[] = [];
	const read = pickedFileReader(files);
	let cfg: PromptfooConfig;
	try {
		cfg = await parsePromptfooConfig(config.text, {
			listFiles: pickedFileLister(files.filter((f) => f !== config)),
			readFile: (path) =>
				read(path).catch((e: unknown) => {
					if (e instanceof PromptloomError && e.code === 'not_found') notFound.push(baseName(path));
					throw e;
				})
		});
	} catch (e) {
		if (notFound.length) throw missingFileError([...new Set(notFound)]);
		throw e;
	}

	const names = await uniqueNames(
		cfg.prompts.map(baseNameOf),
		async (n) => (await deps.library.findByName(n)) !== undefined
	);
	const prompts = cfg.prompts.map((p, i) => promptPlan(p, names[i], i));
	const models: PlanModel[] = cfg.providers.map((p) => {
		const m: PlanModel = { spec: modelSpecOfProvider(p.id) };
		if (p.label !== p.id) m.label = p.label;
		if (Object.keys(p.params).length) m.params = { ...p.params };
		return m;
	});
	const templates = prompts.flatMap((p) =>
		p.type === 'chat' ? p.messages.map((m) => m.content) : [p.content]
	);
	const mapped = mapPromptfooTests(promptfooRows(cfg), templates);
	const stem = config.name.replace(/\.ya?ml$/i, '');
	const title = cfg.description?.trim() || stem;
	const dataset: Dataset = {
		id: globalThis.crypto.randomUUID(),
		name: `${title} (promptfoo tests)`.slice(0, 200),
		columns: mapped.columns,
		rows: mapped.rows
	};
	const preview: PromptfooImportPreview = {
		source: config.name,
		prompts,
		dataset,
		models,
		assertions: mapped.assertions,
		draftName: `promptfoo: ${title}`,
		warnings: [
			...cfg.warnings,
			...runOnlyWarnings(cfg),
			...mapped.warnings,
			...providerWarnings(cfg, models, await deps.providers.list())
		]
	};
	if (cfg.defaultTest.judge) preview.judge = modelSpecOfProvider(cfg.defaultTest.judge);
	await prepareAssertions(preview.assertions);
	validatePlan(provisionalPlan(preview));
	return preview;
}

/** The plan the draft will become, with placeholder variants: validated before anything is written. */
function provisionalPlan(p: PromptfooImportPreview): EvalPlan {
	return {
		name: p.draftName,
		variants: p.prompts.map((x, i) => ({
			id: `new-${i}`,
			promptId: `new-${i}`,
			promptName: x.name,
			label: x.name,
			source: {
				type: x.type,
				content: x.content,
				messages: x.messages,
				templateOptions: { trimBlocks: false, lstripBlocks: false }
			}
		})),
		dataset: p.dataset,
		models: p.models,
		assertions: p.assertions,
		...(p.judge ? { judge: p.judge } : {})
	};
}

/**
 * Creates the previewed prompts (tagged `promptfoo`), the dataset and the evaluation draft. If any
 * step fails, what was already created is removed (prompts purged, not left in the trash) and
 * the error is rethrown.
 */
export async function applyPromptfooImport(
	preview: PromptfooImportPreview,
	deps: PromptfooImportDeps
): Promise<PromptfooImportResult> {
	const undoSize = deps.library.undoStack.size;
	const created: Prompt[] = [];
	let datasetId: string | null = null;
	try {
		const names = await uniqueNames(
			preview.prompts.map((p) => p.name),
			async (n) => (await deps.library.findByName(n)) !== undefined
		);
		const modelConfig = modelConfigOf(preview.models[0]);
		for (const [i, p] of preview.prompts.entries()) {
			created.push(
				await deps.library.createPrompt({
					name: names[i],
					type: p.type,
					content: p.content,
					messages: p.messages,
					tags: ['promptfoo'],
					description:
						`Imported from ${preview.source}${p.label !== names[i] ? ` (${p.label})` : ''}`.slice(
							0,
							500
						),
					modelConfig: structuredClone(modelConfig)
				})
			);
		}
		datasetId = (await deps.datasets.save(preview.dataset, { create: true })).id;
		const draft: EvalDraft = {
			name: preview.draftName,
			variants: created.map((p) => ({ promptId: p.id, versionId: null })),
			datasetId,
			models: preview.models,
			assertions: preview.assertions,
			source: `promptfoo: ${preview.source}`,
			...(preview.judge ? { judge: preview.judge } : {})
		};
		await saveEvalDraft(deps.drafts, draft);
		return {
			prompts: created.map((p) => ({ id: p.id, name: p.name })),
			datasetId,
			draft,
			warnings: preview.warnings
		};
	} catch (e) {
		const undoErrors: string[] = [];
		if (datasetId)
			await deps.datasets.remove(datasetId).catch((x: Error) => undoErrors.push(x.message));
		if (created.length) {
			const ids = created.map((p) => p.id);
			await deps.library
				.deletePrompts(ids)
				.then(() => deps.library.purgePrompts(ids))
				.catch((x: Error) => undoErrors.push(x.message));
		}
		while (deps.library.undoStack.size > undoSize) deps.library.undoStack.pop();
		if (undoErrors.length)
			throw new PromptloomError(
				'storage',
				`the import failed (${(e as Error).message}) and removing what it had created failed too: ${undoErrors.join('; ')}`,
				{ cause: e }
			);
		throw e;
	}
}
