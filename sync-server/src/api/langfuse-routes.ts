/**
 * @module Langfuse-compatible prompt endpoints, so the official Langfuse SDKs work unchanged:
 * `GET /api/public/v2/prompts/{name}?label=&version=`, `POST /api/public/v2/prompts` and
 * `PATCH /api/public/v2/prompts/{name}/versions/{version}` (`{newLabels}`), with Basic auth
 * `<public key>:<secret key>`. Integer versions are the commit order on branch main (1 = first);
 * `latest` is main's head. Creating a version is a commit on main and labels are label moves,
 * both written into the workspace's documents with the key's name as author.
 */
import { toLangfuseConfig, versionToLangfuse } from '../../../src/lib/core/files/langfuse';
import {
	langfuseCreateSchema,
	langfuseGetQuerySchema,
	langfuseListQuerySchema,
	type LangfusePromptMetaList,
	langfuseUpdateLabelsSchema,
	type LangfusePrompt
} from '../../../src/lib/core/api/schemas';
import type { Prompt } from '../../../src/lib/core/model/prompt';
import type { Router } from '../http/router';
import { authenticateKey } from './auth';
import type { ApiContext } from './context';
import {
	ApiError,
	IMMUTABLE,
	REVALIDATE,
	jsonAnswer,
	parseBody,
	parseQuery,
	sendAnswer
} from './http';
import { LATEST_LABEL, type PromptService, type Selected } from './prompts';
import { apiRoute, promptName } from './v1-routes';

type ModelConfig = Prompt['modelConfig'];

/** A Langfuse `config` object as our model configuration; 400 when a known field is invalid. */
export function fromLangfuseConfig(config: Record<string, unknown>): ModelConfig {
	const { model, temperature, max_tokens, maxTokens, ...params } = config;
	if (model !== undefined && typeof model !== 'string')
		throw new ApiError('bad_request', 'config.model must be a string');
	if (
		temperature !== undefined &&
		(typeof temperature !== 'number' || temperature < 0 || temperature > 2)
	)
		throw new ApiError('bad_request', 'config.temperature must be a number from 0 to 2');
	const tokens = max_tokens ?? maxTokens;
	if (tokens !== undefined && (!Number.isInteger(tokens) || (tokens as number) <= 0))
		throw new ApiError('bad_request', 'config.max_tokens must be a positive integer');
	return {
		model: model ?? '',
		...(temperature !== undefined ? { temperature: temperature as number } : {}),
		...(tokens !== undefined ? { maxTokens: tokens as number } : {}),
		params
	};
}

export function langfuseBody(prompts: PromptService, s: Selected): LangfusePrompt {
	const v = s.version;
	if (s.number === null)
		throw new ApiError(
			'not_found',
			`version ${v.id.slice(0, 12)} of "${s.state.entry.name}" is on branch "${v.branch}", not on main: Langfuse versions are numbered along main`
		);
	return {
		...versionToLangfuse(v, s.state.entry.name, s.number, prompts.labelsOf(s)),
		resolutionGraph: null
	};
}

export function addLangfuseRoutes(router: Router, ctx: ApiContext): void {
	const { prompts, keys, limiter } = ctx;

	router.add(
		'GET',
		'/api/public/v2/prompts/:name',
		apiRoute(async (req, res, url, params) => {
			const who = await authenticateKey(req, keys, limiter, 'read');
			const name = promptName(params);
			const q = parseQuery(url, langfuseGetQuerySchema);
			const key = `lf\0${who.workspace}\0${name}\0${q.label ?? ''}\0${q.version ?? ''}`;
			const answer = await prompts.withPrompt(who.workspace, name, (state) => {
				const hit = prompts.answers.get(key, state.gens);
				if (hit) return hit;
				const s = prompts.select(state, q);
				const a = jsonAnswer(langfuseBody(prompts, s), s.pinned ? IMMUTABLE : REVALIDATE);
				prompts.answers.set(key, state.gens, a);
				return a;
			});
			sendAnswer(req, res, answer);
		})
	);

	router.add(
		'GET',
		'/api/public/v2/prompts',
		apiRoute(async (req, res, url) => {
			const who = await authenticateKey(req, keys, limiter, 'read');
			const q = parseQuery(url, langfuseListQuerySchema);
			const matching = await prompts.withIndex(who.workspace, (view) =>
				view.prompts.filter(
					(p) =>
						(!q.name || p.name === q.name) &&
						(!q.tag || p.prompt.tags.includes(q.tag)) &&
						(!q.label || (q.label === LATEST_LABEL ? p.mainHead !== null : p.labels.has(q.label)))
				)
			);
			const page = matching.slice((q.page - 1) * q.limit, q.page * q.limit);
			const data: LangfusePromptMetaList['data'] = [];
			for (const p of page)
				data.push(
					await prompts.withPrompt(who.workspace, p.name, (state) => {
						const head = state.entry.mainHead
							? state.doc.versions.get(state.entry.mainHead)
							: undefined;
						const onMain = new Set(state.chain);
						const labels = [...state.entry.labels]
							.filter(([, id]) => onMain.has(id))
							.map(([l]) => l);
						return {
							name: p.name,
							type: head?.content.type ?? p.prompt.type,
							versions: state.chain.map((_, i) => i + 1),
							labels: [...labels, ...(head ? [LATEST_LABEL] : [])].sort(),
							tags: p.prompt.tags,
							lastUpdatedAt: new Date(
								Math.max(p.prompt.updatedAt, head?.createdAt ?? 0)
							).toISOString(),
							lastConfig: head ? toLangfuseConfig(head.metadata.modelConfig) : {}
						};
					})
				);
			const body: LangfusePromptMetaList = {
				data,
				meta: {
					page: q.page,
					limit: q.limit,
					totalItems: matching.length,
					totalPages: Math.ceil(matching.length / q.limit)
				}
			};
			sendAnswer(req, res, jsonAnswer(body, REVALIDATE));
		})
	);

	router.add(
		'POST',
		'/api/public/v2/prompts',
		apiRoute(async (req, res) => {
			const who = await authenticateKey(req, keys, limiter, 'write');
			const body = await parseBody(req, ctx.maxBodyBytes, langfuseCreateSchema);
			const result = await prompts.commit(
				who.workspace,
				who,
				{
					name: body.name,
					type: body.type,
					content: body.type === 'text' ? body.prompt : '',
					messages:
						body.type === 'chat'
							? body.prompt.map((m) => ({ role: m.role, content: m.content }))
							: [],
					...(body.config ? { modelConfig: fromLangfuseConfig(body.config) } : {}),
					...(body.tags ? { tags: body.tags } : {}),
					message: body.commitMessage ?? ''
				},
				body.labels
			);
			const out = await prompts.withPrompt(who.workspace, result.name, (state) =>
				langfuseBody(prompts, prompts.select(state, { version: result.version.id }))
			);
			sendAnswer(req, res, jsonAnswer(out, 'no-store'), 201);
		})
	);

	router.add(
		'PATCH',
		'/api/public/v2/prompts/:name/versions/:version',
		apiRoute(async (req, res, _url, params) => {
			const who = await authenticateKey(req, keys, limiter, 'write');
			const name = promptName(params);
			if (!/^[1-9]\d{0,8}$/.test(params.version))
				throw new ApiError(
					'bad_request',
					`version must be a positive integer, got "${params.version}"`
				);
			const body = await parseBody(req, ctx.maxBodyBytes, langfuseUpdateLabelsSchema);
			await prompts.moveLabels(
				who.workspace,
				who,
				name,
				{ version: params.version },
				body.newLabels
			);
			const out = await prompts.withPrompt(who.workspace, name, (state) =>
				langfuseBody(prompts, prompts.select(state, { version: params.version }))
			);
			sendAnswer(req, res, jsonAnswer(out, 'no-store'));
		})
	);
}
