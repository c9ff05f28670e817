/**
 * @module `/v1` writes with a `write` key: `POST /v1/prompts/{name}/versions` commits a whole
 * prompt (text or messages and every metadata field) on main, refused with 409 when main moved
 * past `expectedParent`; `DELETE /v1/prompts/{name}` moves a prompt to the trash. Label moves go
 * through the same review and production-gate checks as every API label move.
 */
import {
	commitVersionRequestSchema,
	trashPromptQuerySchema,
	type CommitVersionResponse,
	type TrashPromptResponse
} from '../../../src/lib/core/api/commit-schemas';
import type { Router } from '../http/router';
import { authenticateKey } from './auth';
import type { ApiContext } from './context';
import { jsonAnswer, parseBody, parseQuery, sendAnswer } from './http';
import { apiRoute, promptName } from './v1-routes';

export function addV1WriteRoutes(router: Router, ctx: ApiContext): void {
	const { prompts, keys, limiter } = ctx;

	router.add(
		'POST',
		'/v1/prompts/:name/versions',
		apiRoute(async (req, res, _url, params) => {
			const who = await authenticateKey(req, keys, limiter, 'write', { basic: false });
			const name = promptName(params);
			const body = await parseBody(req, ctx.maxBodyBytes, commitVersionRequestSchema);
			const result = await prompts.commit(
				who.workspace,
				who,
				{
					name,
					type: body.type,
					content: body.type === 'text' ? body.template : '',
					messages: body.type === 'chat' ? body.messages : [],
					...(body.config ? { modelConfig: body.config } : {}),
					...(body.tags ? { tags: body.tags } : {}),
					...(body.description !== undefined ? { description: body.description } : {}),
					...(body.intent !== undefined ? { intent: body.intent } : {}),
					...(body.customFields ? { customFields: body.customFields } : {}),
					...(body.templateOptions ? { templateOptions: body.templateOptions } : {}),
					message: body.message
				},
				body.labels,
				body.expectedParent
			);
			const number = await prompts.withPrompt(
				who.workspace,
				name,
				(state) => prompts.select(state, { version: result.version.id }).number
			);
			const out: CommitVersionResponse = {
				name,
				version: { id: result.version.id, number },
				created: result.created,
				changed: result.changed
			};
			sendAnswer(req, res, jsonAnswer(out, 'no-store'), result.changed ? 201 : 200);
		})
	);

	router.add(
		'DELETE',
		'/v1/prompts/:name',
		apiRoute(async (req, res, url, params) => {
			const who = await authenticateKey(req, keys, limiter, 'write', { basic: false });
			const name = promptName(params);
			const q = parseQuery(url, trashPromptQuerySchema);
			const r = await prompts.trash(who.workspace, name, q.expectedVersion);
			const out: TrashPromptResponse = {
				name: r.name,
				trashed: true,
				deletedAt: new Date(r.deletedAt).toISOString()
			};
			sendAnswer(req, res, jsonAnswer(out, 'no-store'));
		})
	);
}
