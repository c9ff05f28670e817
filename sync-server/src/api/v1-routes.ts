/**
 * @module `/v1`: read prompts of the key's workspace by name and label or version, render them,
 * list them and export the library. Bearer API keys; JSON errors `{"error":{"code","message"}}`;
 * GETs carry a strong ETag (304 on `If-None-Match`) and `Cache-Control` (`immutable` when the
 * request pins a version, `no-cache` otherwise: labels move).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	exportQuerySchema,
	getPromptQuerySchema,
	listPromptsQuerySchema,
	promptNameParam,
	renderRequestSchema,
	type ListPromptsQuery,
	type ListPromptsResponse,
	type PromptSummary,
	type PromptVersionBody,
	type RenderResponse
} from '../../../src/lib/core/api/schemas';
import { buildOpenApi } from '../../../src/lib/core/api/openapi';
import type { PromptEntry } from '../../../src/lib/core/api/workspace-view';
import { serializeLibrary } from '../../../src/lib/core/io/library-file';
import type { Router, RouteHandler } from '../http/router';
import { authenticateKey } from './auth';
import type { ApiContext } from './context';
import {
	ApiError,
	IMMUTABLE,
	REVALIDATE,
	etagOf,
	jsonAnswer,
	parseBody,
	parseQuery,
	sendAnswer,
	sendApiError
} from './http';
import type { Selected } from './prompts';
import { renderFewShotSets } from './fewshot';

/** Wraps a handler so every failure becomes an API error answer. */
export function apiRoute(
	handler: (
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
		params: Record<string, string>
	) => Promise<void>
): RouteHandler {
	return async (req, res, url, params) => {
		try {
			await handler(req, res, url, params);
		} catch (e) {
			if (res.headersSent) return void res.destroy();
			sendApiError(res, e);
		}
	};
}

export function promptName(params: Record<string, string>): string {
	const parsed = promptNameParam.safeParse(params.name);
	if (!parsed.success) throw new ApiError('not_found', `no prompt named "${params.name}"`);
	return parsed.data;
}

const iso = (ms: number) => new Date(ms).toISOString();

function summary(p: PromptEntry): PromptSummary {
	return {
		name: p.name,
		type: p.prompt.type,
		description: p.prompt.description,
		tags: p.prompt.tags,
		folder: p.folder,
		labels: Object.fromEntries([...p.labels].sort(([a], [b]) => (a < b ? -1 : 1))),
		head: p.mainHead,
		updatedAt: iso(p.prompt.updatedAt)
	};
}

function matches(p: PromptEntry, q: ListPromptsQuery): boolean {
	if (q.tag && !p.prompt.tags.includes(q.tag)) return false;
	if (q.label && !p.labels.has(q.label)) return false;
	if (q.folder !== undefined) {
		const want = q.folder.replace(/^\/+|\/+$/g, '');
		if (want === '' ? p.folder !== null : p.folder !== want && !p.folder?.startsWith(`${want}/`))
			return false;
	}
	if (q.q) {
		const words = q.q.toLowerCase().split(/\s+/).filter(Boolean);
		if (!words.every((w) => p.haystack.includes(w))) return false;
	}
	return true;
}

const encodeCursor = (name: string) =>
	Buffer.from(JSON.stringify({ after: name })).toString('base64url');
function decodeCursor(cursor: string): string {
	try {
		const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
		if (typeof v.after === 'string') return v.after;
	} catch {
		/* falls through */
	}
	throw new ApiError('bad_request', 'cursor: not a cursor this API returned');
}

export function versionBody(
	ctx: ApiContext,
	s: Selected,
	variables: PromptVersionBody['variables']
): PromptVersionBody {
	const v = s.version;
	return {
		name: s.state.entry.name,
		type: v.content.type,
		version: {
			id: v.id,
			number: s.number,
			message: v.message,
			author: v.author,
			createdAt: iso(v.createdAt),
			branch: v.branch
		},
		labels: ctx.prompts.labelsOf(s),
		template: v.content.type === 'text' ? v.content.content : null,
		messages: v.content.type === 'chat' ? v.content.messages : null,
		config: v.metadata.modelConfig,
		tags: v.metadata.tags,
		description: v.metadata.description,
		templateOptions: v.metadata.templateOptions,
		variables
	};
}

export function addV1Routes(router: Router, ctx: ApiContext): void {
	const { prompts, keys, limiter } = ctx;

	let openapi: { host: string; answer: ReturnType<typeof jsonAnswer> } | null = null;
	router.add(
		'GET',
		'/v1/openapi.json',
		apiRoute(async (req, res) => {
			const host = req.headers.host ?? 'localhost';
			if (openapi?.host !== host)
				openapi = {
					host,
					answer: jsonAnswer(buildOpenApi({ serverUrl: `http://${host}` }), 'public, max-age=300')
				};
			sendAnswer(req, res, openapi.answer);
		})
	);
	const read = (req: IncomingMessage) =>
		authenticateKey(req, keys, limiter, 'read', { basic: false });

	router.add(
		'GET',
		'/v1/prompts',
		apiRoute(async (req, res, url) => {
			const who = await read(req);
			const q = parseQuery(url, listPromptsQuerySchema);
			const key = `list\0${who.workspace}\0${url.search}`;
			const answer = await prompts.withIndex(who.workspace, (view, index) => {
				const gens = String(index.gen);
				const hit = prompts.answers.get(key, gens);
				if (hit) return hit;
				let list = view.prompts;
				if (q.cursor) {
					const after = decodeCursor(q.cursor);
					let lo = 0;
					let hi = list.length;
					while (lo < hi) {
						const mid = (lo + hi) >> 1;
						if (list[mid].name <= after) lo = mid + 1;
						else hi = mid;
					}
					list = list.slice(lo);
				}
				const data: PromptSummary[] = [];
				let last: string | null = null;
				let more = false;
				for (const p of list) {
					if (!matches(p, q)) continue;
					if (data.length === q.limit) {
						more = true;
						break;
					}
					data.push(summary(p));
					last = p.name;
				}
				const body: ListPromptsResponse = {
					data,
					nextCursor: more && last ? encodeCursor(last) : null
				};
				const a = jsonAnswer(body, REVALIDATE);
				prompts.answers.set(key, gens, a);
				return a;
			});
			sendAnswer(req, res, answer);
		})
	);

	router.add(
		'GET',
		'/v1/prompts/:name',
		apiRoute(async (req, res, url, params) => {
			const who = await read(req);
			const name = promptName(params);
			const q = parseQuery(url, getPromptQuerySchema);
			const key = `get\0${who.workspace}\0${name}\0${q.label ?? ''}\0${q.version ?? ''}`;
			const hot = prompts.cachedAnswer(who.workspace, name, key);
			if (hot) return sendAnswer(req, res, hot);
			const answer = await prompts.withPrompt(who.workspace, name, (state, _index, doc) => {
				const hit = prompts.answers.get(key, state.gens);
				if (hit) return hit;
				const s = prompts.select(state, q);
				const a = jsonAnswer(
					versionBody(ctx, s, prompts.variablesOf(doc, s.version)),
					s.pinned ? IMMUTABLE : REVALIDATE
				);
				prompts.answers.set(key, state.gens, a);
				return a;
			});
			sendAnswer(req, res, answer);
		})
	);

	router.add(
		'POST',
		'/v1/prompts/:name/render',
		apiRoute(async (req, res, _url, params) => {
			const who = await read(req);
			const name = promptName(params);
			const body = await parseBody(req, ctx.maxBodyBytes, renderRequestSchema);
			const selected = await prompts.withPrompt(who.workspace, name, (state) =>
				prompts.select(state, { label: body.label, version: body.version })
			);
			const result = await prompts.render(who.workspace, selected, {
				label: body.label,
				variables: body.variables,
				fewShotSets: await renderFewShotSets(prompts, who.workspace, body.fewShotSets),
				strict: body.strict
			});
			const out: RenderResponse = {
				name,
				version: { id: selected.version.id, number: selected.number },
				kind: result.kind,
				output: result.output,
				warnings: result.warnings
			};
			sendAnswer(req, res, jsonAnswer(out, 'no-store'));
		})
	);

	router.add(
		'GET',
		'/v1/export',
		apiRoute(async (req, res, url) => {
			const who = await read(req);
			const { format } = parseQuery(url, exportQuerySchema);
			const library = await prompts.exportLibrary(who.workspace);
			// The time of export would change the ETag on every call: it is the newest change instead.
			const newest = Math.max(
				0,
				...library.prompts.map((p) => p.updatedAt),
				...library.versions.map((v) => v.createdAt)
			);
			library.exportedAt = new Date(newest).toISOString();
			const body = Buffer.from(serializeLibrary(library, format));
			sendAnswer(
				req,
				res,
				{
					body,
					etag: etagOf(body),
					contentType:
						format === 'json'
							? 'application/json; charset=utf-8'
							: 'application/yaml; charset=utf-8',
					cacheControl: REVALIDATE
				},
				200,
				{
					'content-disposition': `attachment; filename="${who.workspace}.promptloom.${format}"`
				}
			);
		})
	);
}
