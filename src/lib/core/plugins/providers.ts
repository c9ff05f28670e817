/**
 * @module Plugin providers: an HTTP model API described by two mappings in the sandbox,
 * `request` (chat request → `{url, method, headers, body}`) and `response` (`{status, body}` →
 * `{text, usage…}`). The host makes the request, and only to a host the manifest declares and the
 * user approved; redirects are refused. The plugin sees the API key only when its manifest asks
 * for it and the user granted it; otherwise it can place the key without reading it by writing
 * the literal `${apiKey}` in a header value, which the host fills in.
 */
import { PromptloomError } from '../model/errors';
import { z } from '../model/zod';
import type { ChatRequest, ChatResult } from '../providers/types';
import { badResult, PluginError, type LoadedPlugin } from './plugin';

export const API_KEY_PLACEHOLDER = '${apiKey}';
const MAX_RESPONSE_CHARS = 8 * 1024 * 1024;

/** What the user allowed this plugin's providers. */
export interface ProviderGrant {
	/** Hosts the user approved (only those the manifest also declares count). */
	approvedHosts: readonly string[];
	/** The key for this provider, if the user stored one. */
	apiKey?: string;
	/** The user let the plugin's request mapping read the key (needs `permissions.apiKey`). */
	revealKey?: boolean;
}

const requestSchema = z.object({
	url: z.string().min(1).max(4096),
	method: z.enum(['GET', 'POST', 'PUT']).default('POST'),
	headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(8192)).default({}),
	body: z.unknown().optional()
});

const responseSchema = z.union([
	z.object({
		text: z.string(),
		inputTokens: z.number().int().min(0).optional(),
		outputTokens: z.number().int().min(0).optional(),
		model: z.string().max(200).optional(),
		finishReason: z.enum(['stop', 'length', 'content_filter', 'tool_calls', 'other']).optional()
	}),
	z.object({ error: z.string().max(2000) })
]);

/** `hostname[:port]` of an http(s) URL as manifests write it, or null for any other URL. */
export function hostOf(url: string): string | null {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return null;
	}
	if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
	if (u.username || u.password) return null;
	return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

/** The hosts a provider of `plugin` may reach under `grant`. */
export function allowedHosts(plugin: LoadedPlugin, grant: ProviderGrant): string[] {
	return plugin.manifest.permissions.hosts.filter((h) => grant.approvedHosts.includes(h));
}

export interface PluginChatOptions {
	fetch?: typeof fetch;
	signal?: AbortSignal;
	/** Per HTTP request (default 120 s). */
	timeoutMs?: number;
}

/** One chat completion through provider `name` of `plugin`. */
export async function pluginChat(
	plugin: LoadedPlugin,
	name: string,
	req: ChatRequest,
	grant: ProviderGrant,
	options: PluginChatOptions = {}
): Promise<ChatResult> {
	const reveal = plugin.manifest.permissions.apiKey && grant.revealKey === true;
	const call = `providers/${name}.request`;
	const raw = await plugin.call(
		'providers',
		name,
		{
			model: req.model,
			messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
			temperature: req.temperature ?? null,
			maxTokens: req.maxTokens ?? null,
			params: req.params ?? {},
			apiKey: reveal ? (grant.apiKey ?? null) : null
		},
		'request'
	);
	const parsed = requestSchema.safeParse(raw);
	if (!parsed.success)
		throw new PluginError(
			plugin.id,
			call,
			badResult(
				`expected {url, method?, headers?, body?}: ${parsed.error.issues[0]?.message ?? ''}`
			)
		);
	const r = parsed.data;
	const host = hostOf(r.url);
	if (host === null)
		throw new PromptloomError(
			'forbidden',
			`plugin ${plugin.id} (${call}) asked for "${r.url}", which is not an http(s) URL`
		);
	if (!plugin.manifest.permissions.hosts.includes(host))
		throw new PromptloomError(
			'forbidden',
			`plugin ${plugin.id} (${call}) asked for host ${host}, which its manifest does not declare`
		);
	if (!grant.approvedHosts.includes(host))
		throw new PromptloomError(
			'forbidden',
			`plugin ${plugin.id} (${call}) asked for host ${host}, which you have not approved`
		);
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(r.headers)) {
		if (v.includes(API_KEY_PLACEHOLDER)) {
			if (!grant.apiKey)
				throw new PromptloomError(
					'key_vault',
					`plugin ${plugin.id} needs an API key for ${name}, and none is stored`
				);
			headers[k] = v.split(API_KEY_PLACEHOLDER).join(grant.apiKey);
		} else headers[k] = v;
	}
	let body: string | undefined;
	if (r.body !== undefined && r.method !== 'GET') {
		body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
		if (
			typeof r.body !== 'string' &&
			!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')
		)
			headers['content-type'] = 'application/json';
	}
	const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
	const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
	const started = performance.now();
	let res: Response;
	try {
		res = await (options.fetch ?? fetch)(r.url, {
			method: r.method,
			headers,
			body,
			redirect: 'error',
			signal
		});
	} catch (e) {
		if (options.signal?.aborted) throw new PromptloomError('cancelled', 'cancelled');
		throw new PromptloomError(
			'provider',
			`plugin ${plugin.id} (${name}): request to ${host} failed: ${(e as Error).message}`
		);
	}
	const text = await res.text();
	if (text.length > MAX_RESPONSE_CHARS)
		throw new PromptloomError(
			'provider',
			`plugin ${plugin.id} (${name}): the response from ${host} is too large`
		);
	let responseBody: unknown = text;
	try {
		responseBody = JSON.parse(text);
	} catch {
		// not JSON: the mapping gets the text
	}
	const out = responseSchema.safeParse(
		await plugin.call(
			'providers',
			name,
			{
				status: res.status,
				contentType: res.headers.get('content-type') ?? '',
				body: responseBody
			},
			'response'
		)
	);
	if (!out.success)
		throw new PluginError(
			plugin.id,
			`providers/${name}.response`,
			badResult(
				`expected {text, inputTokens?, outputTokens?} or {error}: ${out.error.issues[0]?.message ?? ''}`
			)
		);
	if ('error' in out.data)
		throw new PromptloomError('provider', `${plugin.manifest.name} (${name}): ${out.data.error}`);
	const d = out.data;
	return {
		text: d.text,
		usage: {
			inputTokens: d.inputTokens ?? 0,
			outputTokens: d.outputTokens ?? 0,
			estimated: d.inputTokens === undefined || d.outputTokens === undefined
		},
		latencyMs: performance.now() - started,
		costUsd: null,
		model: d.model ?? req.model,
		finishReason: d.finishReason ?? 'stop',
		attempts: 1
	};
}
