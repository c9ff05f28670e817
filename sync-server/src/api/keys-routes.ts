/**
 * @module Owner routes that manage a workspace's API keys (the app's Workspace page):
 * `GET|POST /api/workspaces/:ws/apikeys`, `DELETE /api/workspaces/:ws/apikeys/:key`. They take
 * the relay token of a workspace owner; the secret of a new key is in the POST answer only.
 */
import { createApiKeyRequestSchema } from '../../../src/lib/core/api/schemas';
import type { Router } from '../http/router';
import { ownerCheck } from './auth';
import type { ApiContext } from './context';
import { ApiError, jsonAnswer, parseBody, sendAnswer } from './http';
import { apiRoute } from './v1-routes';

export function addKeyRoutes(router: Router, ctx: ApiContext): void {
	const owner = ownerCheck(ctx);

	router.add(
		'GET',
		'/api/workspaces/:ws/apikeys',
		apiRoute(async (req, res, _url, params) => {
			const c = await owner(req, params.ws);
			const keys = await ctx.keys.list(c.workspace);
			sendAnswer(req, res, jsonAnswer({ workspace: c.workspace, keys }, 'no-store'));
		})
	);

	router.add(
		'POST',
		'/api/workspaces/:ws/apikeys',
		apiRoute(async (req, res, _url, params) => {
			const c = await owner(req, params.ws);
			const body = await parseBody(req, ctx.maxBodyBytes, createApiKeyRequestSchema);
			const key = await ctx.keys.create({
				workspace: c.workspace,
				scope: body.scope,
				name: body.name,
				createdBy: c.user
			});
			sendAnswer(req, res, jsonAnswer(key, 'no-store'), 201);
		})
	);

	router.add(
		'DELETE',
		'/api/workspaces/:ws/apikeys/:key',
		apiRoute(async (req, res, _url, params) => {
			const c = await owner(req, params.ws);
			const removed = await ctx.keys.revoke(c.workspace, params.key);
			if (!removed)
				throw new ApiError('not_found', `no API key ${params.key} in workspace "${c.workspace}"`);
			sendAnswer(req, res, jsonAnswer({ workspace: c.workspace, revoked: removed }, 'no-store'));
		})
	);
}
