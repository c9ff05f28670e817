/** @module The relay's HTTP API as `pull`/`push` use it: the workspace export and commits, with failures sorted into exit codes. */
import type { LibraryFile } from '../../lib/core/io/library-schema';
import { validateLibraryData } from '../../lib/core/io/library-file';
import type {
	CommitVersionRequest,
	CommitVersionResponse
} from '../../lib/core/api/commit-schemas';
import type { Prompt } from '../../lib/core/model/prompt';

/** Why the relay could not be used: `unreachable` and `auth` exit 3, `refused` (a 4xx/5xx answer) 1. */
export class RelayApiError extends Error {
	constructor(
		readonly kind: 'unreachable' | 'auth' | 'refused',
		message: string,
		readonly status?: number
	) {
		super(message);
	}
}

export interface RelayTarget {
	url: string;
	key: string;
}

/** Normalizes a relay address (`ws://` → `http://`, no trailing slash); throws on a bad one. */
export function relayUrl(raw: string): string {
	let url: URL;
	try {
		url = new URL(raw.replace(/^ws(s?):\/\//, 'http$1://'));
	} catch {
		throw new Error(`--relay must be an http(s) URL such as http://localhost:1234, got "${raw}"`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new Error(`--relay must be an http(s) URL, got "${raw}"`);
	return url.toString().replace(/\/+$/, '');
}

async function call(target: RelayTarget, path: string, init: RequestInit = {}): Promise<unknown> {
	let res: Response;
	try {
		res = await fetch(`${target.url}${path}`, {
			...init,
			headers: {
				authorization: `Bearer ${target.key}`,
				...(init.body ? { 'content-type': 'application/json' } : {}),
				...(init.headers as Record<string, string> | undefined)
			},
			signal: AbortSignal.timeout(60_000)
		});
	} catch (e) {
		const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
		throw new RelayApiError('unreachable', `relay ${target.url} is unreachable (${cause})`);
	}
	const text = await res.text();
	let body: unknown = null;
	try {
		body = text ? JSON.parse(text) : null;
	} catch {
		/* not JSON: reported below */
	}
	if (!res.ok) {
		const message =
			(body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
		const kind = res.status === 401 || res.status === 403 ? 'auth' : 'refused';
		throw new RelayApiError(
			kind,
			`relay refused ${init.method ?? 'GET'} ${path}: ${message} (HTTP ${res.status})`,
			res.status
		);
	}
	return body;
}

/** The whole workspace of the key (prompts, versions, branches, labels, folders), validated. */
export async function fetchWorkspace(target: RelayTarget): Promise<LibraryFile> {
	const data = await call(target, '/v1/export?format=json');
	const v = validateLibraryData(data);
	if (!v.ok)
		throw new RelayApiError(
			'refused',
			`the relay's export is not a valid library: ${v.errors[0]?.path}: ${v.errors[0]?.message}`
		);
	return v.library;
}

export interface CommitInput {
	name: string;
	prompt: Prompt;
	message: string;
	labels: string[];
	/** Main's head the file was based on (null: a new prompt); the relay refuses if main moved. */
	expectedParent: string | null;
}

/**
 * Commits a prompt file's content and every metadata field it carries on main as the key
 * (`POST /v1/prompts/{name}/versions`); returns the new version's id and number.
 */
export async function commitPrompt(
	target: RelayTarget,
	input: CommitInput
): Promise<{ id: string; version: number | null }> {
	const p = input.prompt;
	const body: CommitVersionRequest = {
		type: p.type,
		template: p.type === 'text' ? p.content : '',
		messages:
			p.type === 'chat' ? p.messages.map((m) => ({ role: m.role, content: m.content })) : [],
		config: p.modelConfig,
		tags: p.tags,
		description: p.description,
		intent: p.intent,
		customFields: p.customFields,
		templateOptions: p.templateOptions,
		message: input.message,
		labels: input.labels,
		expectedParent: input.expectedParent
	};
	const out = (await call(target, `/v1/prompts/${encodeURIComponent(input.name)}/versions`, {
		method: 'POST',
		body: JSON.stringify(body)
	})) as CommitVersionResponse;
	return { id: out.version.id, version: out.version.number };
}

/** Moves prompt `name` to the relay's trash, only while main's head is `expectedVersion`. */
export async function trashPrompt(
	target: RelayTarget,
	name: string,
	expectedVersion: string | null
): Promise<void> {
	const q = expectedVersion ? `?expectedVersion=${encodeURIComponent(expectedVersion)}` : '';
	await call(target, `/v1/prompts/${encodeURIComponent(name)}${q}`, { method: 'DELETE' });
}
