/**
 * @module REST routes of workspaces: invites, members and roles, review requests and decisions,
 * comments. Every route takes `Authorization: Bearer <token>` of the same workspace and applies
 * the member's CURRENT role from the registry. Errors are `{ error }` with a specific status:
 * 400 bad body · 401 missing/invalid token · 403 wrong workspace, not a member or role too low ·
 * 404 unknown member/review · 409 would leave the workspace without an owner, or already decided.
 */
import type { IncomingMessage } from 'node:http';
import {
	readApprovals,
	readComments,
	readReviews,
	reviewWithDecision,
	writeApproval,
	writeComment,
	writeReview
} from '../../../src/lib/core/collab/doc-schema';
import {
	APPROVER_ROLES,
	type Approval,
	type CommentRecord,
	type Member,
	type ReviewRequest
} from '../../../src/lib/core/collab/types';
import {
	DEFAULT_TOKEN_TTL_SECONDS,
	isRole,
	isValidId,
	signToken,
	verifyToken,
	type Role
} from '../auth/token';
import type { RelayConfig } from '../config';
import { HttpError, readBody, sendJson, type Router } from '../http/router';
import type { RelayCollab } from './service';

interface RouteContext {
	secret: Uint8Array;
	config: RelayConfig;
	collab: RelayCollab;
}

interface Caller {
	user: string;
	role: Role;
	workspace: string;
}

/** User names: 1–80 characters, no slash, backslash or control characters, not starting with a space. */
function isUserName(name: string): boolean {
	if (name.length < 1 || name.length > 80 || /^\s/.test(name) || /[/\\]/.test(name)) return false;
	for (const ch of name) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return false;
	return true;
}

function bearer(req: IncomingMessage): string | null {
	const header = req.headers.authorization;
	return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

async function jsonBody(req: IncomingMessage, max: number): Promise<Record<string, unknown>> {
	const text = (await readBody(req, max)).toString('utf8');
	if (!text.trim()) return {};
	try {
		const v = JSON.parse(text) as unknown;
		if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
	} catch {
		/* falls through */
	}
	throw new HttpError(400, 'body must be a JSON object');
}

function requireString(body: Record<string, unknown>, field: string, max = 200): string {
	const v = body[field];
	if (typeof v !== 'string' || !v.trim())
		throw new HttpError(400, `"${field}" is required (a non-empty string)`);
	if (v.length > max) throw new HttpError(400, `"${field}" is longer than ${max} characters`);
	return v.trim();
}

function requireRole(body: Record<string, unknown>): Role {
	const role = body.role;
	if (!isRole(role))
		throw new HttpError(400, `"role" must be one of owner, editor, reviewer, viewer`);
	return role;
}

function requireUser(name: string): string {
	if (!isUserName(name))
		throw new HttpError(400, `"${name.slice(0, 40)}" is not a valid user name`);
	return name;
}

const owners = (members: Member[]) => members.filter((m) => m.role === 'owner');

export function addCollabRoutes(router: Router, ctx: RouteContext): void {
	const { collab } = ctx;
	const registry = collab.registry;

	/** Verifies the token, its workspace and the caller's current membership. */
	async function caller(req: IncomingMessage, params: Record<string, string>): Promise<Caller> {
		const workspace = params.ws;
		if (!isValidId(workspace, ctx.config.maxIdLength))
			throw new HttpError(404, `invalid workspace id "${workspace}"`);
		const check = await verifyToken(ctx.secret, bearer(req));
		if (!check.ok)
			throw new HttpError(401, `${check.message} (send Authorization: Bearer <token>)`);
		if (check.claims.workspace !== workspace)
			throw new HttpError(
				403,
				`token is for workspace "${check.claims.workspace}", not "${workspace}"`
			);
		const { user, role } = check.claims;
		const m = await registry.membership(workspace, user, role);
		if (m.status === 'not_member')
			throw new HttpError(403, `"${user}" is not a member of workspace "${workspace}"`);
		if (m.status === 'unmanaged' && role === 'owner') {
			// The first owner to use the API makes the workspace a managed one.
			await registry.update(workspace, (r) => {
				if (r.members.length === 0)
					r.members.push({ user, role: 'owner', addedAt: Date.now(), addedBy: user });
				return r;
			});
		}
		return { user, role: m.role, workspace };
	}

	const requireOwner = (c: Caller, what: string) => {
		if (c.role !== 'owner')
			throw new HttpError(403, `only an owner can ${what}; you are "${c.role}"`);
	};

	router.add('POST', '/api/workspaces/:ws/invites', async (req, res, _url, params) => {
		const c = await caller(req, params);
		requireOwner(c, 'invite members');
		const body = await jsonBody(req, ctx.config.maxHttpBodyBytes);
		const role = requireRole(body);
		const user = requireUser(requireString(body, 'user', 80));
		const ttl = body.ttlSeconds === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(body.ttlSeconds);
		if (!Number.isFinite(ttl) || ttl <= 0)
			throw new HttpError(400, '"ttlSeconds" must be a positive number');
		const record = await registry.get(c.workspace);
		const existing = record.members.find((m) => m.user === user);
		if (existing && existing.role !== role)
			throw new HttpError(
				409,
				`"${user}" is already a member as ${existing.role}; change the role instead`
			);
		if (!existing)
			await registry.update(c.workspace, (r) => {
				r.members.push({ user, role, addedAt: Date.now(), addedBy: c.user });
				return r;
			});
		const token = await signToken(ctx.secret, {
			workspace: c.workspace,
			role,
			user,
			ttlSeconds: ttl
		});
		const relay = `http://${req.headers.host ?? 'localhost'}`;
		sendJson(res, 201, {
			workspace: c.workspace,
			user,
			role,
			token,
			expiresAt: Date.now() + ttl * 1000,
			invite: { relay, workspace: c.workspace, token, role }
		});
	});

	router.add('GET', '/api/workspaces/:ws/members', async (req, res, _url, params) => {
		const c = await caller(req, params);
		const record = await registry.get(c.workspace);
		sendJson(res, 200, {
			workspace: c.workspace,
			you: { user: c.user, role: c.role },
			members: record.members,
			protectedLabels: record.protectedLabels
		});
	});

	router.add('PUT', '/api/workspaces/:ws/members/:user', async (req, res, _url, params) => {
		const c = await caller(req, params);
		requireOwner(c, 'change roles');
		const role = requireRole(await jsonBody(req, ctx.config.maxHttpBodyBytes));
		const target = params.user;
		const next = await registry.update(c.workspace, (r) => {
			const m = r.members.find((x) => x.user === target);
			if (!m) throw new HttpError(404, `"${target}" is not a member of workspace "${c.workspace}"`);
			if (m.role === 'owner' && role !== 'owner' && owners(r.members).length === 1)
				throw new HttpError(409, `"${target}" is the last owner; make someone else owner first`);
			m.role = role;
			return r;
		});
		sendJson(res, 200, { workspace: c.workspace, members: next.members });
	});

	router.add('DELETE', '/api/workspaces/:ws/members/:user', async (req, res, _url, params) => {
		const c = await caller(req, params);
		const target = params.user;
		if (target !== c.user) requireOwner(c, 'remove other members');
		const next = await registry.update(c.workspace, (r) => {
			const m = r.members.find((x) => x.user === target);
			if (!m) throw new HttpError(404, `"${target}" is not a member of workspace "${c.workspace}"`);
			if (m.role === 'owner' && owners(r.members).length === 1)
				throw new HttpError(
					409,
					`"${target}" is the last owner and cannot leave; make someone else owner first`
				);
			r.members = r.members.filter((x) => x.user !== target);
			return r;
		});
		sendJson(res, 200, { workspace: c.workspace, removed: target, members: next.members });
	});

	router.add('GET', '/api/workspaces/:ws/reviews', async (req, res, _url, params) => {
		const c = await caller(req, params);
		const reviews = await collab.withIndexDoc(c.workspace, (doc) => {
			const approvals = readApprovals(doc);
			return [...readReviews(doc).values()].map((r) => reviewWithDecision(r, approvals.get(r.id)));
		});
		reviews.sort((a, b) => b.createdAt - a.createdAt);
		sendJson(res, 200, { workspace: c.workspace, reviews });
	});

	router.add('POST', '/api/workspaces/:ws/reviews', async (req, res, _url, params) => {
		const c = await caller(req, params);
		if (c.role === 'viewer') throw new HttpError(403, 'a viewer cannot request reviews');
		const body = await jsonBody(req, ctx.config.maxHttpBodyBytes);
		const review: ReviewRequest = {
			id: typeof body.id === 'string' && isValidId(body.id, 128) ? body.id : crypto.randomUUID(),
			promptId: requireString(body, 'promptId', 128),
			label: requireString(body, 'label', 100),
			versionId: typeof body.versionId === 'string' ? body.versionId : '',
			requestedBy: c.user,
			status: 'pending',
			createdAt: Date.now(),
			...(typeof body.promptName === 'string' && body.promptName.trim()
				? { promptName: body.promptName.trim().slice(0, 200) }
				: {}),
			...(typeof body.note === 'string' && body.note.trim()
				? { note: body.note.trim().slice(0, 2000) }
				: {})
		};
		await collab.withIndexDoc(c.workspace, (doc) => {
			if (readReviews(doc).has(review.id))
				throw new HttpError(409, `review ${review.id} already exists`);
			writeReview(doc, review);
		});
		sendJson(res, 201, { workspace: c.workspace, review });
	});

	router.add('POST', '/api/workspaces/:ws/reviews/:id/decision', async (req, res, _url, params) => {
		const c = await caller(req, params);
		if (!(APPROVER_ROLES as readonly string[]).includes(c.role))
			throw new HttpError(
				403,
				`role "${c.role}" cannot approve or reject reviews (needs reviewer or owner)`
			);
		const body = await jsonBody(req, ctx.config.maxHttpBodyBytes);
		const decision = body.decision;
		if (decision !== 'approved' && decision !== 'rejected')
			throw new HttpError(400, '"decision" must be "approved" or "rejected"');
		const comment = typeof body.comment === 'string' ? body.comment.trim().slice(0, 2000) : '';
		const record = await registry.get(c.workspace);
		const alone = record.members.length === 1;
		const review = await collab.withIndexDoc(c.workspace, (doc) => {
			const r = readReviews(doc).get(params.id);
			if (!r) throw new HttpError(404, `review ${params.id} does not exist`);
			if (r.requestedBy === c.user && !alone)
				throw new HttpError(
					403,
					'you cannot decide on your own review request; ask another reviewer or owner'
				);
			const existing = readApprovals(doc).get(r.id);
			if (existing)
				throw new HttpError(
					409,
					`review ${r.id} was already ${existing.decision} by ${existing.approver}`
				);
			const approval: Approval = {
				reviewId: r.id,
				approver: c.user,
				decision,
				at: Date.now(),
				...(comment ? { comment } : {})
			};
			writeApproval(doc, approval);
			writeReview(doc, {
				...r,
				status: decision,
				decidedBy: c.user,
				decidedAt: approval.at,
				...(comment ? { comment } : {})
			});
			return reviewWithDecision(r, approval);
		});
		sendJson(res, 200, { workspace: c.workspace, review });
	});

	router.add('GET', '/api/workspaces/:ws/comments', async (req, res, url, params) => {
		const c = await caller(req, params);
		const promptId = url.searchParams.get('promptId');
		const comments = await collab.withIndexDoc(c.workspace, (doc) =>
			[...readComments(doc).values()].filter((x) => !promptId || x.promptId === promptId)
		);
		comments.sort((a, b) => a.createdAt - b.createdAt);
		sendJson(res, 200, { workspace: c.workspace, comments });
	});

	router.add('POST', '/api/workspaces/:ws/comments', async (req, res, _url, params) => {
		const c = await caller(req, params);
		if (c.role === 'viewer') throw new HttpError(403, 'a viewer cannot comment');
		const body = await jsonBody(req, ctx.config.maxHttpBodyBytes);
		const text = requireString(body, 'body', 10_000);
		const comment: CommentRecord = {
			id: crypto.randomUUID(),
			promptId: requireString(body, 'promptId', 128),
			versionId: typeof body.versionId === 'string' && body.versionId ? body.versionId : null,
			author: c.user,
			body: text,
			createdAt: Date.now()
		};
		await collab.withIndexDoc(c.workspace, (doc) => writeComment(doc, comment));
		sendJson(res, 201, { workspace: c.workspace, comment });
	});
}
