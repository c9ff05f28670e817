/**
 * @module The relay's HTTP API as data: every operation with the zod schemas that validate its
 * query, body and answer, and the OpenAPI 3.1 description generated from them with zod's own
 * `z.toJSONSchema` (schemas named with `.meta({ id })` become `components.schemas`). The relay
 * serves it at `GET /v1/openapi.json`; the app's API page lists the same operations.
 */
import { z } from '../model/zod';
import {
	API_ERROR_STATUS,
	apiKeyListSchema,
	createApiKeyRequestSchema,
	createWebhookRequestSchema,
	createdApiKeySchema,
	exportQuerySchema,
	getPromptQuerySchema,
	langfuseCreateSchema,
	langfuseGetQuerySchema,
	langfuseListQuerySchema,
	langfusePromptMetaListSchema,
	langfusePromptSchema,
	langfuseUpdateLabelsSchema,
	listPromptsQuerySchema,
	listPromptsResponseSchema,
	observationBatchSchema,
	observationsResponseSchema,
	promptVersionSchema,
	renderRequestSchema,
	renderResponseSchema,
	webhookDeliverySchema,
	webhookInfoSchema
} from './schemas';
import {
	redactResponseSchema,
	scanRequestSchema,
	scanResponseSchema
} from '../security/scan/api-schemas';
import {
	commitVersionRequestSchema,
	commitVersionResponseSchema,
	trashPromptQuerySchema,
	trashPromptResponseSchema
} from './commit-schemas';

export type ApiAuth = 'apiKey' | 'basic' | 'relayToken';

export interface ApiOperation {
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
	/** OpenAPI path with `{param}` segments. */
	path: string;
	operationId: string;
	tag: 'prompts' | 'security' | 'langfuse' | 'keys' | 'webhooks' | 'observations' | 'meta';
	summary: string;
	description?: string;
	auth: ApiAuth[];
	/** The key scope needed (API key routes). */
	scope?: 'read' | 'write';
	query?: z.ZodObject;
	body?: z.ZodType;
	/** Status and schema of the success answer (null: no JSON schema, e.g. YAML). */
	success: { status: number; schema: z.ZodType | null; contentTypes?: string[] };
	/** Error statuses it may answer besides 401/429 (keys) or 401/403 (owner routes). */
	errors: number[];
	/** True when GET answers carry an ETag and answer 304 to `If-None-Match`. */
	etag?: boolean;
}

const nameParam = 'name';

/** Every operation of the API, in the order the API page lists them. */
export const API_OPERATIONS: ApiOperation[] = [
	{
		method: 'GET',
		path: '/v1/prompts',
		operationId: 'listPrompts',
		tag: 'prompts',
		summary: 'List prompts (filters tag, label, folder, q; cursor pagination)',
		auth: ['apiKey'],
		scope: 'read',
		query: listPromptsQuerySchema,
		success: { status: 200, schema: listPromptsResponseSchema },
		errors: [400],
		etag: true
	},
	{
		method: 'GET',
		path: `/v1/prompts/{${nameParam}}`,
		operationId: 'getPrompt',
		tag: 'prompts',
		summary: 'Get a prompt at a label (default production) or a version',
		description:
			'`version` is a number on main (1 = first commit) or a version id (or a prefix of at least 7 characters). Pinned versions are cached as immutable; labels revalidate (ETag).',
		auth: ['apiKey'],
		scope: 'read',
		query: getPromptQuerySchema,
		success: { status: 200, schema: promptVersionSchema },
		errors: [400, 404],
		etag: true
	},
	{
		method: 'POST',
		path: `/v1/prompts/{${nameParam}}/render`,
		operationId: 'renderPrompt',
		tag: 'prompts',
		summary: 'Render a prompt with variables (safe template engine, includes, few-shot sets)',
		description:
			'A variable the template needs and the request lacks is a 422 naming it (unless strict is false); so are syntax errors, unknown includes or few-shot sets and exceeded render limits.',
		auth: ['apiKey'],
		scope: 'read',
		body: renderRequestSchema,
		success: { status: 200, schema: renderResponseSchema },
		errors: [400, 404, 413, 422, 503]
	},
	{
		method: 'POST',
		path: `/v1/prompts/{${nameParam}}/versions`,
		operationId: 'commitVersion',
		tag: 'prompts',
		summary:
			'Commit a new version on main (text or messages and all metadata), optionally moving labels',
		description:
			'Creates the prompt when it does not exist. With `expectedParent`, refused with 409 when main moved since (nothing is written); a protected label move needs an approved review (409). Answers 201, or 200 with `changed: false` when the content equals the head.',
		auth: ['apiKey'],
		scope: 'write',
		body: commitVersionRequestSchema,
		success: { status: 201, schema: commitVersionResponseSchema },
		errors: [400, 403, 404, 409, 413]
	},
	{
		method: 'DELETE',
		path: `/v1/prompts/{${nameParam}}`,
		operationId: 'trashPrompt',
		tag: 'prompts',
		summary: 'Move a prompt to the trash (restorable in the app)',
		auth: ['apiKey'],
		scope: 'write',
		query: trashPromptQuerySchema,
		success: { status: 200, schema: trashPromptResponseSchema },
		errors: [400, 403, 404, 409]
	},
	{
		method: 'GET',
		path: '/v1/export',
		operationId: 'exportLibrary',
		tag: 'prompts',
		summary: 'Export the workspace as a library file (promptloom validate accepts it)',
		auth: ['apiKey'],
		scope: 'read',
		query: exportQuerySchema,
		success: { status: 200, schema: null, contentTypes: ['application/json', 'application/yaml'] },
		errors: [400],
		etag: true
	},
	{
		method: 'POST',
		path: '/v1/scan',
		operationId: 'scanText',
		tag: 'security',
		summary: 'Find prompt injection, jailbreaks, PII, secrets, unsafe content and bias in text',
		auth: ['apiKey'],
		scope: 'read',
		body: scanRequestSchema,
		success: { status: 200, schema: scanResponseSchema },
		errors: [400, 413]
	},
	{
		method: 'POST',
		path: '/v1/redact',
		operationId: 'redactText',
		tag: 'security',
		summary:
			'Replace PII and secrets with placeholders such as <EMAIL_1> (values returned to restore answers)',
		auth: ['apiKey'],
		scope: 'read',
		body: scanRequestSchema,
		success: { status: 200, schema: redactResponseSchema },
		errors: [400, 413]
	},
	{
		method: 'POST',
		path: '/v1/observations',
		operationId: 'recordObservations',
		tag: 'observations',
		summary: 'Report calls made with prompt versions (latency, cost, tokens, score, success)',
		auth: ['apiKey'],
		scope: 'read',
		body: observationBatchSchema,
		success: { status: 202, schema: z.object({ accepted: z.number().int() }) },
		errors: [400, 404, 413]
	},
	{
		method: 'GET',
		path: `/v1/prompts/{${nameParam}}/observations`,
		operationId: 'getObservations',
		tag: 'observations',
		summary: 'Per-version aggregates of the observations reported for a prompt',
		auth: ['apiKey'],
		scope: 'read',
		success: { status: 200, schema: observationsResponseSchema },
		errors: [404]
	},
	{
		method: 'GET',
		path: '/v1/openapi.json',
		operationId: 'openapi',
		tag: 'meta',
		summary: 'This description',
		auth: [],
		success: { status: 200, schema: null, contentTypes: ['application/json'] },
		errors: []
	},
	{
		method: 'GET',
		path: `/api/public/v2/prompts/{${nameParam}}`,
		operationId: 'langfuseGetPrompt',
		tag: 'langfuse',
		summary: 'Langfuse: get a prompt by label (default production) or integer version',
		description:
			'Versions are numbered in commit order on main; the label `latest` is the head of main.',
		auth: ['basic', 'apiKey'],
		scope: 'read',
		query: langfuseGetQuerySchema,
		success: { status: 200, schema: langfusePromptSchema },
		errors: [400, 404],
		etag: true
	},
	{
		method: 'GET',
		path: '/api/public/v2/prompts',
		operationId: 'langfuseListPrompts',
		tag: 'langfuse',
		summary:
			'Langfuse: list prompts with their versions on main and labels (name, label, tag filters; pages)',
		auth: ['basic', 'apiKey'],
		scope: 'read',
		query: langfuseListQuerySchema,
		success: { status: 200, schema: langfusePromptMetaListSchema },
		errors: [400]
	},
	{
		method: 'POST',
		path: '/api/public/v2/prompts',
		operationId: 'langfuseCreatePrompt',
		tag: 'langfuse',
		summary: 'Langfuse: create a prompt version (a commit on main by the key)',
		description:
			'Creates the prompt when it does not exist. `labels` are moved to the new version; a protected label (production) needs an approved review (409).',
		auth: ['basic', 'apiKey'],
		scope: 'write',
		body: langfuseCreateSchema,
		success: { status: 201, schema: langfusePromptSchema },
		errors: [400, 403, 409, 413]
	},
	{
		method: 'PATCH',
		path: `/api/public/v2/prompts/{${nameParam}}/versions/{version}`,
		operationId: 'langfuseUpdateLabels',
		tag: 'langfuse',
		summary: 'Langfuse: move labels to a version',
		auth: ['basic', 'apiKey'],
		scope: 'write',
		body: langfuseUpdateLabelsSchema,
		success: { status: 200, schema: langfusePromptSchema },
		errors: [400, 403, 404, 409]
	},
	{
		method: 'GET',
		path: '/api/workspaces/{workspace}/apikeys',
		operationId: 'listApiKeys',
		tag: 'keys',
		summary: 'List API keys of a workspace (owner)',
		auth: ['relayToken'],
		success: { status: 200, schema: apiKeyListSchema },
		errors: [404]
	},
	{
		method: 'POST',
		path: '/api/workspaces/{workspace}/apikeys',
		operationId: 'createApiKey',
		tag: 'keys',
		summary: 'Create an API key (owner); the secret is in this answer only',
		auth: ['relayToken'],
		body: createApiKeyRequestSchema,
		success: { status: 201, schema: createdApiKeySchema },
		errors: [400, 404]
	},
	{
		method: 'DELETE',
		path: '/api/workspaces/{workspace}/apikeys/{publicKey}',
		operationId: 'revokeApiKey',
		tag: 'keys',
		summary: 'Revoke an API key (owner)',
		auth: ['relayToken'],
		success: { status: 200, schema: z.object({ workspace: z.string(), revoked: z.unknown() }) },
		errors: [404]
	},
	{
		method: 'GET',
		path: '/api/workspaces/{workspace}/webhooks',
		operationId: 'listWebhooks',
		tag: 'webhooks',
		summary: 'List webhooks and recent deliveries (owner)',
		auth: ['relayToken'],
		success: {
			status: 200,
			schema: z.object({
				workspace: z.string(),
				webhooks: z.array(webhookInfoSchema),
				deliveries: z.array(webhookDeliverySchema)
			})
		},
		errors: [404]
	},
	{
		method: 'POST',
		path: '/api/workspaces/{workspace}/webhooks',
		operationId: 'createWebhook',
		tag: 'webhooks',
		summary: 'Add a webhook (owner); its signing secret is in this answer only',
		description:
			'Deliveries are POSTs with `X-Promptloom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, retried with backoff.',
		auth: ['relayToken'],
		body: createWebhookRequestSchema,
		success: { status: 201, schema: webhookInfoSchema.extend({ secret: z.string() }) },
		errors: [400, 404]
	},
	{
		method: 'DELETE',
		path: '/api/workspaces/{workspace}/webhooks/{id}',
		operationId: 'deleteWebhook',
		tag: 'webhooks',
		summary: 'Remove a webhook (owner)',
		auth: ['relayToken'],
		success: { status: 200, schema: z.object({ workspace: z.string(), removed: z.string() }) },
		errors: [404]
	}
];

const COMPONENTS = '#/components/schemas/';
/** Component names: the id for answers, `<id>Input` for what requests send (defaults optional). */
const componentName = (id: string, io: 'input' | 'output') => (io === 'input' ? `${id}Input` : id);
const uriFor = (io: 'input' | 'output') => (id: string) => COMPONENTS + componentName(id, io);
type Json = Record<string, unknown>;

/** A schema as JSON Schema 2020-12, named sub-schemas as `$ref`s to the components. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
	const id = z.globalRegistry.get(schema)?.id;
	if (id) return { $ref: uriFor(io)(id) };
	const out = z.toJSONSchema(schema, {
		target: 'draft-2020-12',
		io,
		unrepresentable: 'any'
	}) as Json;
	delete out.$schema;
	delete out.$defs;
	const text = JSON.stringify(out).replace(/"#\/\$defs\/([^"]+)"/g, (_m, name: string) =>
		JSON.stringify(uriFor(io)(name))
	);
	return JSON.parse(text) as Json;
}

/** Every named schema of the registry as components, for answers and for requests. */
function allComponents(): Record<string, Json> {
	const out: Record<string, Json> = {};
	for (const io of ['output', 'input'] as const) {
		const { schemas } = z.toJSONSchema(z.globalRegistry, {
			target: 'draft-2020-12',
			io,
			unrepresentable: 'any',
			uri: uriFor(io)
		});
		for (const [id, schema] of Object.entries(schemas)) {
			const { $schema: _s, $id: _i, ...rest } = schema as Json;
			out[componentName(id, io)] = rest;
		}
	}
	return out;
}

/** `$ref`s reachable from `value`. */
function refsIn(value: unknown, into: Set<string>): Set<string> {
	if (Array.isArray(value)) for (const v of value) refsIn(v, into);
	else if (value && typeof value === 'object')
		for (const [k, v] of Object.entries(value))
			if (k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENTS))
				into.add(v.slice(COMPONENTS.length));
			else refsIn(v, into);
	return into;
}

const STATUS_TEXT: Record<number, string> = Object.fromEntries(
	Object.entries(API_ERROR_STATUS).map(([code, status]) => [status, code.replace(/_/g, ' ')])
);

/** The OpenAPI 3.1 description of the API (`serverUrl`: the relay's base URL). */
export function buildOpenApi(options: { serverUrl?: string } = {}): Json {
	const paths: Record<string, Record<string, Json>> = {};
	for (const op of API_OPERATIONS) {
		const parameters: Json[] = [];
		for (const m of op.path.matchAll(/\{(\w+)\}/g))
			parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
		if (op.query) {
			const q = jsonSchema(op.query, 'input') as { properties?: Json; required?: string[] };
			for (const [name, schema] of Object.entries(q.properties ?? {})) {
				const { description, ...rest } = schema as Json;
				parameters.push({
					name,
					in: 'query',
					required: q.required?.includes(name) ?? false,
					...(description ? { description } : {}),
					schema: rest
				});
			}
		}
		const errors = new Set(op.errors);
		if (op.auth.length) {
			errors.add(401);
			errors.add(op.auth.includes('relayToken') ? 403 : 429);
		}
		if (op.scope === 'write') errors.add(403);
		const responses: Record<string, Json> = {
			[String(op.success.status)]: {
				description: op.success.status === 201 ? 'created' : 'OK',
				...(op.etag ? { headers: { ETag: { schema: { type: 'string' } } } } : {}),
				content: Object.fromEntries(
					(op.success.contentTypes ?? ['application/json']).map((t) => [
						t,
						op.success.schema ? { schema: jsonSchema(op.success.schema, 'output') } : {}
					])
				)
			}
		};
		if (op.etag)
			responses['304'] = { description: 'not modified (If-None-Match matched the ETag)' };
		for (const status of [...errors].sort())
			responses[String(status)] = {
				description: STATUS_TEXT[status] ?? 'error',
				...(status === 429
					? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } } }
					: {}),
				content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } }
			};
		const security = op.auth.map((a) => ({ [a]: [] }));
		paths[op.path] ??= {};
		paths[op.path][op.method.toLowerCase()] = {
			operationId: op.operationId,
			tags: [op.tag],
			summary: op.summary,
			...(op.description ? { description: op.description } : {}),
			...(op.scope ? { 'x-promptloom-scope': op.scope } : {}),
			...(parameters.length ? { parameters } : {}),
			...(op.body
				? {
						requestBody: {
							required: true,
							content: { 'application/json': { schema: jsonSchema(op.body, 'input') } }
						}
					}
				: {}),
			responses,
			security
		};
	}
	// Components: the named schemas reachable from the operations (and from each other).
	const all = allComponents();
	const wanted = refsIn(paths, new Set(['Error']));
	for (let grew = true; grew;) {
		grew = false;
		for (const id of [...wanted])
			for (const r of refsIn(all[id], new Set()))
				if (!wanted.has(r)) {
					wanted.add(r);
					grew = true;
				}
	}
	const schemas: Record<string, Json> = {};
	for (const id of [...wanted].sort()) schemas[id] = all[id];
	return {
		openapi: '3.1.0',
		info: {
			title: 'Promptloom relay API',
			version: '1.0.0',
			description:
				'Prompts of a workspace by name and label or version, rendering, export, observations, webhooks, and Langfuse-compatible prompt endpoints. Authenticate with an API key: `Authorization: Bearer sk-pl-…` (or Basic `pk-pl-…:sk-pl-…`). Errors are `{"error":{"code","message"}}`.'
		},
		...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
		tags: [
			{ name: 'prompts' },
			{ name: 'observations' },
			{ name: 'security', description: 'The security scanner (runs on the relay).' },
			{ name: 'langfuse', description: 'Compatible with the Langfuse SDKs (prompt management).' },
			{ name: 'keys' },
			{ name: 'webhooks' },
			{ name: 'meta' }
		],
		paths,
		components: {
			schemas,
			securitySchemes: {
				apiKey: { type: 'http', scheme: 'bearer', description: 'A secret key sk-pl-…' },
				basic: {
					type: 'http',
					scheme: 'basic',
					description: 'Public key as user, secret key as password'
				},
				relayToken: {
					type: 'http',
					scheme: 'bearer',
					bearerFormat: 'JWT',
					description: 'Relay token of a workspace owner'
				}
			}
		}
	};
}
