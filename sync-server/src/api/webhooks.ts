/**
 * @module Webhooks: a workspace owner registers URLs for `version.created`, `label.moved` and
 * `review.decided`; the relay watches the workspace's index document (held open while it has
 * webhooks) and POSTs each event, signed `X-Promptloom-Signature: t=<unix s>,v1=<hex HMAC-SHA256
 * of "<t>.<body>">` with the webhook's secret, retrying with doubling backoff. Webhooks and the
 * recent deliveries are kept in `<data>/webhooks.json`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Y from 'yjs';
import {
	createWebhookRequestSchema,
	type WebhookDelivery,
	type WebhookEvent,
	type WebhookInfo
} from '../../../src/lib/core/api/schemas';
import type { Approval, ReviewRequest } from '../../../src/lib/core/collab/types';
import type { Branch } from '../../../src/lib/core/model/version';
import { INDEX_DOC_ID } from '../../../src/lib/core/sync/workspace-docs';
import type { SyncedLabelEvent } from '../../../src/lib/core/sync/ydoc-model';
import type { Router } from '../http/router';
import type { RelayLogger } from '../logger';
import type { RoomRegistry } from '../rooms/registry';
import { ownerCheck } from './auth';
import type { ApiConfig } from './config';
import type { ApiContext } from './context';
import { ApiError, jsonAnswer, parseBody, sendAnswer } from './http';
import { apiRoute } from './v1-routes';

export const WEBHOOKS_FILE_NAME = 'webhooks.json';

interface Hook extends WebhookInfo {
	workspace: string;
	secret: string;
}

interface Stored {
	version: 1;
	hooks: Hook[];
	deliveries: Array<WebhookDelivery & { workspace: string }>;
}

/** The signature header value of `body` sent at `t` (unix seconds). */
export function signWebhook(secret: string, t: number, body: string): string {
	return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const publicInfo = ({ secret: _s, workspace: _w, ...info }: Hook): WebhookInfo => info;

export class Webhooks {
	#hooks: Hook[] = [];
	#deliveries: Stored['deliveries'] = [];
	readonly #watched = new Map<string, () => void>();
	readonly #timers = new Set<ReturnType<typeof setTimeout>>();
	readonly #path: string;
	#writes: Promise<void> = Promise.resolve();
	#closed = false;

	constructor(
		dataDir: string,
		private readonly rooms: RoomRegistry,
		private readonly config: ApiConfig,
		private readonly logger: RelayLogger
	) {
		this.#path = join(dataDir, WEBHOOKS_FILE_NAME);
	}

	async open(): Promise<void> {
		try {
			const data = JSON.parse(await readFile(this.#path, 'utf8')) as Stored;
			this.#hooks = Array.isArray(data.hooks) ? data.hooks : [];
			this.#deliveries = Array.isArray(data.deliveries) ? data.deliveries : [];
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
				this.logger.warn('webhooks file unreadable; starting without webhooks', {
					error: String(e)
				});
		}
		for (const ws of new Set(this.#hooks.map((h) => h.workspace))) await this.#watch(ws);
	}

	#save(): Promise<void> {
		const data: Stored = { version: 1, hooks: this.#hooks, deliveries: this.#deliveries };
		this.#writes = this.#writes.then(async () => {
			try {
				await mkdir(join(this.#path, '..'), { recursive: true });
				const tmp = `${this.#path}.tmp`;
				await writeFile(tmp, JSON.stringify(data, null, '\t'), { mode: 0o600 });
				await rename(tmp, this.#path);
			} catch (e) {
				this.logger.warn('writing webhooks failed', { error: String(e) });
			}
		});
		return this.#writes;
	}

	list(workspace: string): { webhooks: WebhookInfo[]; deliveries: WebhookDelivery[] } {
		return {
			webhooks: this.#hooks.filter((h) => h.workspace === workspace).map(publicInfo),
			deliveries: this.#deliveries
				.filter((d) => d.workspace === workspace)
				.map(({ workspace: _w, ...d }) => d)
				.reverse()
		};
	}

	async add(
		workspace: string,
		input: { url: string; events: WebhookEvent[]; description: string },
		createdBy: string
	): Promise<WebhookInfo & { secret: string }> {
		const hook: Hook = {
			id: randomUUID(),
			workspace,
			url: input.url,
			events: [...new Set(input.events)],
			description: input.description,
			createdAt: Date.now(),
			createdBy,
			secret: `whsec_${randomBytes(24).toString('base64url')}`
		};
		this.#hooks.push(hook);
		await this.#save();
		await this.#watch(workspace);
		return { ...publicInfo(hook), secret: hook.secret };
	}

	async remove(workspace: string, id: string): Promise<boolean> {
		const before = this.#hooks.length;
		this.#hooks = this.#hooks.filter((h) => !(h.workspace === workspace && h.id === id));
		if (this.#hooks.length === before) return false;
		if (!this.#hooks.some((h) => h.workspace === workspace)) this.#unwatch(workspace);
		await this.#save();
		return true;
	}

	/** Holds the workspace's index open and turns its changes into events. */
	async #watch(workspace: string): Promise<void> {
		if (this.#watched.has(workspace) || this.#closed) return;
		const name = `${workspace}/${INDEX_DOC_ID}`;
		const room = this.rooms.acquire(workspace, name);
		this.#watched.set(workspace, () => this.rooms.release(workspace, name));
		try {
			await room.ready;
		} catch (e) {
			this.#unwatch(workspace);
			throw e;
		}
		if (this.#watched.get(workspace) === undefined) return;
		const doc = room.doc;
		const promptName = (id: string) =>
			((doc.getMap('prompts').get(id) as Y.Map<unknown> | undefined)?.get('name') as string) ??
			null;
		const branches = doc.getMap<Branch>('branches');
		const onBranches = (e: Y.YMapEvent<Branch>) => {
			for (const [key, change] of e.changes.keys) {
				const b = branches.get(key);
				if (!b || change.action === 'delete') continue;
				const old = change.oldValue as Branch | undefined;
				if (old?.head === b.head) continue;
				// A new branch points at a version that exists already (main starts with a commit).
				if (!old && b.name !== 'main') continue;
				this.#emit(workspace, 'version.created', {
					prompt: promptName(b.promptId),
					promptId: b.promptId,
					branch: b.name,
					versionId: b.head,
					previousHead: old?.head ?? null
				});
			}
		};
		const events = doc.getMap<SyncedLabelEvent>('labelEvents');
		const onLabels = (e: Y.YMapEvent<SyncedLabelEvent>) => {
			for (const [key, change] of e.changes.keys) {
				if (change.action !== 'add') continue;
				const ev = events.get(key);
				if (!ev) continue;
				this.#emit(workspace, 'label.moved', {
					prompt: promptName(ev.promptId),
					promptId: ev.promptId,
					label: ev.label,
					from: ev.from,
					to: ev.to,
					actor: ev.actor,
					at: new Date(ev.at).toISOString()
				});
			}
		};
		const approvals = doc.getMap<Approval>('approvals');
		const onApprovals = (e: Y.YMapEvent<Approval>) => {
			for (const [key, change] of e.changes.keys) {
				if (change.action !== 'add') continue;
				const a = approvals.get(key);
				const r = doc.getMap<ReviewRequest>('reviews').get(key);
				if (!a) continue;
				this.#emit(workspace, 'review.decided', {
					reviewId: a.reviewId,
					decision: a.decision,
					approver: a.approver,
					comment: a.comment ?? null,
					prompt: r ? (r.promptName ?? promptName(r.promptId)) : null,
					promptId: r?.promptId ?? null,
					label: r?.label ?? null,
					versionId: r?.versionId ?? null,
					requestedBy: r?.requestedBy ?? null
				});
			}
		};
		branches.observe(onBranches);
		events.observe(onLabels);
		approvals.observe(onApprovals);
		this.#watched.set(workspace, () => {
			branches.unobserve(onBranches);
			events.unobserve(onLabels);
			approvals.unobserve(onApprovals);
			this.rooms.release(workspace, name);
		});
	}

	#unwatch(workspace: string): void {
		const stop = this.#watched.get(workspace);
		this.#watched.delete(workspace);
		stop?.();
	}

	#emit(workspace: string, event: WebhookEvent, data: Record<string, unknown>): void {
		for (const hook of this.#hooks) {
			if (hook.workspace !== workspace || !hook.events.includes(event)) continue;
			const now = Date.now();
			const delivery: Stored['deliveries'][number] = {
				id: randomUUID(),
				webhookId: hook.id,
				event,
				url: hook.url,
				attempts: 0,
				status: 'pending',
				lastStatus: null,
				lastError: null,
				createdAt: now,
				updatedAt: now,
				workspace
			};
			this.#deliveries.push(delivery);
			const keep = this.config.webhookLogSize;
			const mine = this.#deliveries.filter((d) => d.workspace === workspace);
			if (mine.length > keep) {
				const drop = new Set(mine.slice(0, mine.length - keep));
				this.#deliveries = this.#deliveries.filter((d) => !drop.has(d));
			}
			const body = JSON.stringify({
				id: delivery.id,
				type: event,
				workspace,
				createdAt: new Date(now).toISOString(),
				data
			});
			void this.#attempt(hook, delivery, body);
		}
	}

	async #attempt(hook: Hook, d: WebhookDelivery, body: string): Promise<void> {
		if (this.#closed) return;
		d.attempts++;
		const t = Math.floor(Date.now() / 1000);
		try {
			const res = await fetch(hook.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'user-agent': 'promptloom-relay',
					'x-promptloom-event': d.event,
					'x-promptloom-delivery': d.id,
					'x-promptloom-signature': signWebhook(hook.secret, t, body)
				},
				body,
				signal: AbortSignal.timeout(this.config.webhookTimeoutMs)
			});
			await res.body?.cancel();
			d.lastStatus = res.status;
			d.lastError = res.ok ? null : `answered ${res.status}`;
			if (res.ok) d.status = 'delivered';
		} catch (e) {
			d.lastStatus = null;
			d.lastError = e instanceof Error ? e.message : String(e);
		}
		d.updatedAt = Date.now();
		if (d.status !== 'delivered') {
			if (d.attempts >= this.config.webhookAttempts) d.status = 'failed';
			else {
				const wait = this.config.webhookBackoffMs * 2 ** (d.attempts - 1);
				const timer = setTimeout(() => {
					this.#timers.delete(timer);
					void this.#attempt(hook, d, body);
				}, wait);
				timer.unref();
				this.#timers.add(timer);
			}
		}
		if (this.#hooks.includes(hook)) await this.#save();
	}

	async close(): Promise<void> {
		this.#closed = true;
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
		for (const ws of [...this.#watched.keys()]) this.#unwatch(ws);
		await this.#writes;
	}
}

export function addWebhookRoutes(router: Router, ctx: ApiContext, hooks: Webhooks): void {
	const owner = ownerCheck(ctx);

	router.add(
		'GET',
		'/api/workspaces/:ws/webhooks',
		apiRoute(async (req, res, _url, params) => {
			const c = await owner(req, params.ws);
			sendAnswer(
				req,
				res,
				jsonAnswer({ workspace: c.workspace, ...hooks.list(c.workspace) }, 'no-store')
			);
		})
	);

	router.add(
		'POST',
		'/api/workspaces/:ws/webhooks',
		apiRoute(async (req, res, _url, params) => {
			const c = await owner(req, params.ws);
			const body = await parseBody(req, ctx.maxBodyBytes, createWebhookRequestSchema);
			const hook = await hooks.add(c.workspace, body, c.user);
			sendAnswer(req, res, jsonAnswer(hook, 'no-store'), 201);
		})
	);

	router.add(
		'DELETE',
		'/api/workspaces/:ws/webhooks/:id',
		apiRoute(async (req, res, _url, params) => {
			const c = await owner(req, params.ws);
			if (!(await hooks.remove(c.workspace, params.id)))
				throw new ApiError('not_found', `no webhook ${params.id} in workspace "${c.workspace}"`);
			sendAnswer(req, res, jsonAnswer({ workspace: c.workspace, removed: params.id }, 'no-store'));
		})
	);
}
