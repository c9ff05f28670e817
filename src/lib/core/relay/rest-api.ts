/** @module Client of the relay's workspace REST API (members, invites, reviews, comments). */
import { PromptloomError, type ErrorCode } from '../model/errors';
import type { CommentRecord, Member, ReviewRequest, Role } from '../collab/types';
import type { BackoffGate } from './backoff-gate';
import { relayHttpBase, type SharedWorkspaceConfig } from '../collab/workspace';

export interface MembersAnswer {
	workspace: string;
	you: { user: string; role: Role };
	members: Member[];
	protectedLabels: string[];
}

export interface InviteAnswer {
	workspace: string;
	user: string;
	role: Role;
	token: string;
	expiresAt: number;
	invite: { relay: string; workspace: string; token: string; role: Role };
}

const STATUS_CODES: Record<number, ErrorCode> = {
	400: 'validation',
	401: 'forbidden',
	403: 'forbidden',
	404: 'not_found',
	409: 'conflict'
};

export class RelayCollabApi {
	constructor(
		private readonly config: SharedWorkspaceConfig,
		private readonly fetcher: typeof globalThis.fetch = (...a) => globalThis.fetch(...a),
		/** Shared by every call to this relay, so callers polling while it is down back off. */
		private readonly gate?: BackoffGate
	) {}

	async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const base = relayHttpBase(this.config.relay);
		const url = `${base}/api/workspaces/${encodeURIComponent(this.config.workspace)}${path}`;
		let unreachable = false;
		const send = async () => {
			try {
				return await this.fetcher(url, {
					method,
					headers: {
						authorization: `Bearer ${this.config.token}`,
						...(body === undefined ? {} : { 'content-type': 'application/json' })
					},
					body: body === undefined ? undefined : JSON.stringify(body)
				});
			} catch (e) {
				unreachable = true;
				throw new PromptloomError('relay', `The relay at ${base} cannot be reached`, { cause: e });
			}
		};
		const res = this.gate
			? await this.gate.run(`The relay at ${base}`, send, () => unreachable)
			: await send();
		const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
		if (!res.ok) {
			const message = typeof json.error === 'string' ? json.error : `relay answered ${res.status}`;
			throw new PromptloomError(STATUS_CODES[res.status] ?? 'relay', message);
		}
		return json as T;
	}

	members(): Promise<MembersAnswer> {
		return this.#call('GET', '/members');
	}
	invite(user: string, role: Role): Promise<InviteAnswer> {
		return this.#call('POST', '/invites', { user, role });
	}
	setRole(user: string, role: Role): Promise<{ members: Member[] }> {
		return this.#call('PUT', `/members/${encodeURIComponent(user)}`, { role });
	}
	removeMember(user: string): Promise<{ members: Member[] }> {
		return this.#call('DELETE', `/members/${encodeURIComponent(user)}`);
	}
	async reviews(): Promise<ReviewRequest[]> {
		return (await this.#call<{ reviews: ReviewRequest[] }>('GET', '/reviews')).reviews;
	}
	async requestReview(input: {
		id: string;
		promptId: string;
		promptName?: string;
		label: string;
		versionId: string;
		note?: string;
	}): Promise<ReviewRequest> {
		return (await this.#call<{ review: ReviewRequest }>('POST', '/reviews', input)).review;
	}
	async decide(
		id: string,
		decision: 'approved' | 'rejected',
		comment?: string
	): Promise<ReviewRequest> {
		return (
			await this.#call<{ review: ReviewRequest }>(
				'POST',
				`/reviews/${encodeURIComponent(id)}/decision`,
				{ decision, comment }
			)
		).review;
	}
	async comments(promptId: string): Promise<CommentRecord[]> {
		return (
			await this.#call<{ comments: CommentRecord[] }>(
				'GET',
				`/comments?promptId=${encodeURIComponent(promptId)}`
			)
		).comments;
	}
	async addComment(input: {
		promptId: string;
		versionId: string | null;
		body: string;
	}): Promise<CommentRecord> {
		return (await this.#call<{ comment: CommentRecord }>('POST', '/comments', input)).comment;
	}
}
