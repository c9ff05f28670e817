/**
 * @module The app's collaboration service: the current workspace, members and roles, invites,
 * review requests and approvals for protected labels, comments. A personal workspace keeps its
 * reviews and comments in Dexie; a shared one goes through the relay's REST API (whose writes land
 * in the workspace index document, where the relay also checks label moves).
 *
 * Rule for personal workspaces: reviews are skipped when the user is alone, i.e. the only member
 * and owner (always true for a personal workspace, and for a shared workspace with one member).
 */
import { BackoffGate } from '../relay/backoff-gate';
import { EventBus } from '../events';
import { PromptloomError } from '../model/errors';
import type { AuditLog } from '../security/audit/log';
import type { PromptloomDb } from '../store/db';
import type { LabelGuard, PromptVcs } from '../vcs/prompt-vcs';
import { DEFAULT_PROTECTED_LABELS } from './doc-schema';
import { RelayCollabApi, type InviteAnswer } from '../relay/rest-api';
import { RelayCollabStore, type CollabStore } from './store';
import { DexieCollabStore } from './store.dexie';
import {
	APPROVER_ROLES,
	isRole,
	type CommentRecord,
	type Member,
	type ReviewRequest,
	type Role
} from './types';
import { readTokenClaims, type SharedWorkspaceConfig, type WorkspaceContext } from './workspace';
import { accessFor, type EditAccess } from './access';

export interface CollabEvents {
	'collab:changed': { what: 'members' | 'reviews' | 'comments' | 'workspace' };
}

export interface CollabServiceOptions {
	db: PromptloomDb;
	vcs: PromptVcs;
	audit: AuditLog;
	/** Name of the local user (the author setting). */
	user: () => string;
	/** The shared workspace the sync engine is connected to, if any (falls back to one joined here). */
	sharedWorkspace?: () => SharedWorkspaceConfig | null;
	fetch?: typeof globalThis.fetch;
	/** False while the device is offline (no relay calls are made then); default `navigator.onLine`. */
	online?: () => boolean;
	now?: () => number;
}

/** What the workspace page shows. */
export interface WorkspaceSummary {
	context: WorkspaceContext;
	name: string;
	you: { user: string; role: Role };
	members: Member[];
	protectedLabels: string[];
	/** False when the user is alone (personal workspace): protected labels move freely. */
	reviewsRequired: boolean;
}

export { accessFor, EDITOR_ROLES, type EditAccess } from './access';

const JOINED_KEY = 'collab:workspace';
const appliedKey = (id: string) => `collab:applied:${id}`;

export class CollabService {
	readonly events = new EventBus<CollabEvents>();
	readonly #o: CollabServiceOptions;
	readonly #now: () => number;
	#joined: SharedWorkspaceConfig | null = null;
	#summary: WorkspaceSummary | null = null;
	/** Background calls (comments, members, the role poll) back off while the relay is down. */
	readonly #gate: BackoffGate;
	readonly #local: DexieCollabStore;

	constructor(options: CollabServiceOptions) {
		this.#o = options;
		this.#now = options.now ?? Date.now;
		this.#local = new DexieCollabStore(options.db);
		this.#gate = new BackoffGate(options.online ? { online: options.online } : {});
		options.vcs.setLabelGuard(this.labelGuard);
	}

	/** Loads a workspace joined from this page in an earlier session. */
	async init(): Promise<void> {
		const rec = await this.#o.db.settings.get(JOINED_KEY);
		const v = rec?.value as SharedWorkspaceConfig | undefined;
		this.#joined = v && typeof v.token === 'string' ? v : null;
	}

	#me(): string {
		return this.#o.user().trim() || 'anonymous';
	}

	context(): WorkspaceContext {
		const shared = this.#o.sharedWorkspace?.() ?? this.#joined;
		if (!shared) return { kind: 'personal', user: this.#me() };
		const claims = readTokenClaims(shared.token);
		return {
			kind: 'shared',
			relay: shared.relay,
			workspace: shared.workspace,
			token: shared.token,
			user: claims?.user ?? this.#me(),
			tokenRole: claims?.role ?? null
		};
	}

	/** Reviews and comments: on the relay for a shared workspace, on this device otherwise. */
	#store(): CollabStore {
		const api = this.#api();
		return api ? new RelayCollabStore(api) : this.#local;
	}

	#api(): RelayCollabApi | null {
		const c = this.context();
		return c.kind === 'shared' ? new RelayCollabApi(c, this.#o.fetch, this.#gate) : null;
	}

	/**
	 * My access in the current workspace, known without a round trip: the role the relay last
	 * reported (see `summary`), else the one in my token. A personal workspace is mine (owner).
	 */
	access(): EditAccess {
		const context = this.context();
		if (context.kind === 'personal') return accessFor('owner', 'Personal workspace');
		const known =
			this.#summary && sameContext(this.#summary.context, context) ? this.#summary.you.role : null;
		return accessFor(known ?? context.tokenRole ?? 'editor', context.workspace);
	}

	/**
	 * My role in the current shared workspace as the relay last reported it (see `summary`), or
	 * null: a personal workspace, or the relay has not answered yet for this connection.
	 */
	reportedRole(): Role | null {
		const context = this.context();
		if (context.kind === 'personal' || !this.#summary) return null;
		return sameContext(this.#summary.context, context) ? this.#summary.you.role : null;
	}

	/**
	 * Refuses, before anything is written, a change the current role may not make: viewers and
	 * reviewers read prompts (reviewers also approve and comment) but do not change them.
	 * @throws PromptloomError `forbidden` naming the role, the workspace and the change.
	 */
	assertCanEdit(what: string): void {
		const access = this.access();
		if (access.canEdit) return;
		throw new PromptloomError(
			'forbidden',
			`You are ${access.role === 'owner' || access.role === 'editor' ? 'an' : 'a'} ${access.role} in "${access.workspace}", so you cannot ${what}: only editors and owners change prompts.`
		);
	}

	/** The actor recorded in audit entries: the relay user in a shared workspace. */
	actor(): string {
		return this.context().user;
	}

	/** Members, my role and the protected labels (from the relay for a shared workspace). */
	async summary(): Promise<WorkspaceSummary> {
		const context = this.context();
		if (context.kind === 'personal') {
			const me = { user: context.user, role: 'owner' as const };
			this.#summary = {
				context,
				name: 'Personal workspace',
				you: me,
				members: [{ ...me, addedAt: 0, addedBy: me.user }],
				protectedLabels: [...DEFAULT_PROTECTED_LABELS],
				reviewsRequired: false
			};
			return this.#summary;
		}
		const answer = await this.#api()!.members();
		const alone = answer.members.length === 1 && answer.you.role === 'owner';
		this.#summary = {
			context,
			name: context.workspace,
			you: answer.you,
			members: answer.members,
			protectedLabels: answer.protectedLabels,
			reviewsRequired: !alone
		};
		return this.#summary;
	}

	async #fresh(): Promise<WorkspaceSummary> {
		return this.#summary && sameContext(this.#summary.context, this.context())
			? this.#summary
			: this.summary();
	}

	/** Joins a shared workspace with an invite (payload `{relay, workspace, token}`), for collaboration. */
	async join(config: SharedWorkspaceConfig): Promise<WorkspaceSummary> {
		const claims = readTokenClaims(config.token);
		if (!claims) throw new PromptloomError('validation', 'the invite token is not readable');
		if (claims.workspace !== config.workspace)
			throw new PromptloomError(
				'validation',
				`the invite token is for workspace "${claims.workspace}", not "${config.workspace}"`
			);
		const previous = this.#joined;
		this.#joined = config;
		try {
			const s = await this.summary();
			await this.#o.db.settings.put({ key: JOINED_KEY, value: config });
			this.events.emit('collab:changed', { what: 'workspace' });
			return s;
		} catch (e) {
			this.#joined = previous;
			throw e;
		}
	}

	/** Leaves the shared workspace (removes me on the relay) and returns to the personal one. */
	async leave(): Promise<void> {
		const api = this.#api();
		if (!api) throw new PromptloomError('validation', 'a personal workspace cannot be left');
		const me = this.context().user;
		await api.removeMember(me);
		await this.#audit('member.leave', `member:${me}`, {});
		await this.forget();
	}

	/** Forgets the joined workspace locally (nothing is sent). */
	async forget(): Promise<void> {
		this.#joined = null;
		this.#summary = null;
		await this.#o.db.settings.delete(JOINED_KEY);
		this.events.emit('collab:changed', { what: 'workspace' });
	}

	async invite(user: string, role: Role): Promise<InviteAnswer> {
		const api = this.#requireShared('invite members');
		if (!isRole(role)) throw new PromptloomError('validation', `unknown role "${role}"`);
		const answer = await api.invite(user.trim(), role);
		await this.#audit('invite.create', `member:${answer.user}`, { role });
		this.events.emit('collab:changed', { what: 'members' });
		return answer;
	}

	async setRole(user: string, role: Role): Promise<void> {
		const api = this.#requireShared('change roles');
		const before = (await this.#fresh()).members.find((m) => m.user === user)?.role ?? null;
		await api.setRole(user, role);
		await this.#audit('role.change', `member:${user}`, { from: before, to: role });
		await this.summary();
		this.events.emit('collab:changed', { what: 'members' });
	}

	async removeMember(user: string): Promise<void> {
		const api = this.#requireShared('remove members');
		await api.removeMember(user);
		await this.#audit('member.remove', `member:${user}`, {});
		await this.summary();
		this.events.emit('collab:changed', { what: 'members' });
	}

	/** Review requests, newest first. */
	async reviews(): Promise<ReviewRequest[]> {
		const list = await this.#store().reviews();
		const applied = await this.#o.db.settings.bulkGet(list.map((r) => appliedKey(r.id)));
		return list.map((r, i) =>
			applied[i] && r.status === 'approved' ? { ...r, status: 'applied' } : r
		);
	}

	/** Asks for a protected label to move; the request is decided by a reviewer or owner. */
	async requestReview(input: {
		promptId: string;
		label: string;
		versionId: string;
		note?: string;
	}): Promise<ReviewRequest> {
		const label = input.label.trim();
		if (!label) throw new PromptloomError('validation', 'a review needs a label');
		await this.#o.vcs.getVersion(input.promptId, input.versionId);
		const s = await this.#fresh();
		if (s.you.role === 'viewer')
			throw new PromptloomError('forbidden', 'a viewer cannot request reviews');
		const id = crypto.randomUUID();
		const note = input.note?.trim() || undefined;
		const promptName = (await this.#o.db.prompts.get(input.promptId))?.name;
		const fields = {
			id,
			promptId: input.promptId,
			promptName,
			label,
			versionId: input.versionId,
			note
		};
		const review = await this.#store().requestReview(fields, s.you.user, this.#now());
		await this.#audit('review.request', `review:${review.id}`, {
			promptId: review.promptId,
			label,
			versionId: review.versionId
		});
		this.events.emit('collab:changed', { what: 'reviews' });
		return review;
	}

	/**
	 * Approves or rejects a review (reviewer or owner, not the requester unless alone). An approval
	 * moves the label at once when the version is on this device.
	 */
	async decide(
		id: string,
		decision: 'approved' | 'rejected',
		comment = ''
	): Promise<ReviewRequest> {
		const s = await this.#fresh();
		if (!(APPROVER_ROLES as readonly string[]).includes(s.you.role))
			throw new PromptloomError(
				'forbidden',
				`role "${s.you.role}" cannot approve or reject reviews (needs reviewer or owner)`
			);
		const review = await this.#store().decide(
			id,
			decision,
			s.you.user,
			this.#now(),
			comment.trim() || undefined
		);
		await this.#audit(
			decision === 'approved' ? 'review.approve' : 'review.reject',
			`review:${id}`,
			{
				promptId: review.promptId,
				label: review.label,
				versionId: review.versionId,
				comment: comment.trim()
			}
		);
		this.events.emit('collab:changed', { what: 'reviews' });
		if (decision === 'approved') await this.applyApproved([review]);
		return review;
	}

	/**
	 * Moves the labels of approved reviews whose version is on this device and that were not applied
	 * here yet. Returns the reviews applied.
	 */
	async applyApproved(reviews?: ReviewRequest[]): Promise<ReviewRequest[]> {
		const list = reviews ?? (await this.reviews());
		const done: ReviewRequest[] = [];
		for (const r of list) {
			if (r.status !== 'approved' || (await this.#o.db.settings.get(appliedKey(r.id)))) continue;
			const exists = await this.#o.db.versions.get(r.versionId);
			if (!exists || exists.promptId !== r.promptId) continue;
			await this.#o.db.settings.put({ key: appliedKey(r.id), value: this.#now() });
			try {
				await this.#o.vcs.setLabel(r.promptId, r.label, r.versionId);
			} catch (e) {
				await this.#o.db.settings.delete(appliedKey(r.id));
				throw e;
			}
			await this.#store().markApplied(r.id);
			done.push({ ...r, status: 'applied' });
		}
		if (done.length) this.events.emit('collab:changed', { what: 'reviews' });
		return done;
	}

	/** The check installed into version control: protected labels need an approved review. */
	readonly labelGuard: LabelGuard = async ({ promptId, label, versionId }) => {
		let s: WorkspaceSummary;
		try {
			s = await this.#fresh();
		} catch (e) {
			// Offline: only labels protected by default are held back.
			if (!DEFAULT_PROTECTED_LABELS.includes(label)) return;
			throw new PromptloomError(
				'approval_required',
				`"${label}" is a protected label and its reviews cannot be checked right now: ${e instanceof Error ? e.message : e}`
			);
		}
		if (s.you.role === 'viewer')
			throw new PromptloomError(
				'forbidden',
				`role "viewer" cannot move labels in workspace "${s.name}"`
			);
		if (!s.protectedLabels.includes(label) || !s.reviewsRequired) return;
		const wanted = versionId ?? '';
		const reviews = await this.reviews();
		const ok = reviews.some(
			(r) =>
				r.promptId === promptId &&
				r.label === label &&
				r.versionId === wanted &&
				(r.status === 'approved' || r.status === 'applied')
		);
		if (!ok)
			throw new PromptloomError(
				'approval_required',
				`"${label}" is a protected label: ${versionId ? 'moving' : 'removing'} it needs a review approved by a reviewer or owner. Request a review first.`
			);
	};

	/** Comments on a prompt (all versions) or, with `versionId`, on one version; oldest first. */
	async comments(promptId: string, versionId?: string | null): Promise<CommentRecord[]> {
		const all = await this.#store().comments(promptId);
		return versionId === undefined ? all : all.filter((c) => c.versionId === versionId);
	}

	async addComment(input: {
		promptId: string;
		versionId: string | null;
		body: string;
	}): Promise<CommentRecord> {
		const body = input.body.trim();
		if (!body) throw new PromptloomError('validation', 'the comment is empty');
		if (body.length > 10_000)
			throw new PromptloomError('validation', 'the comment is longer than 10,000 characters');
		const comment = await this.#store().addComment({
			promptId: input.promptId,
			versionId: input.versionId,
			body,
			author: this.#me(),
			createdAt: this.#now()
		});
		await this.#audit(
			'comment.add',
			input.versionId ? `version:${input.versionId}` : `prompt:${input.promptId}`,
			{ commentId: comment.id }
		);
		this.events.emit('collab:changed', { what: 'comments' });
		return comment;
	}

	#requireShared(what: string): RelayCollabApi {
		const api = this.#api();
		if (!api)
			throw new PromptloomError(
				'validation',
				`a personal workspace has no members: join or create a shared workspace to ${what}`
			);
		return api;
	}

	async #audit(action: string, target: string, details: Record<string, unknown>): Promise<void> {
		await this.#o.audit.append({ action, target, details, actor: this.actor() });
	}
}

function sameContext(a: WorkspaceContext, b: WorkspaceContext): boolean {
	return (
		a.kind === b.kind &&
		(a.kind === 'personal' || (b.kind === 'shared' && a.token === b.token && a.relay === b.relay))
	);
}
