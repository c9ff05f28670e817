/**
 * @module Schemas of the relay's HTTP API (`/v1`, the Langfuse-compatible prompt endpoints, API
 * keys, webhooks, observations). The relay validates requests with them, the OpenAPI description
 * is generated from them (`openapi.ts`) and `promptloom/client` types its answers with them.
 */
import { z } from '../model/zod';
import { MAX_NAME_LENGTH, SLUG_PATTERN } from '../model/ids';

// ---- common -------------------------------------------------------------------------------

/** Codes of `{"error":{"code","message"}}` answers, with the HTTP status each one comes with. */
export const API_ERROR_STATUS = {
	bad_request: 400,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	method_not_allowed: 405,
	conflict: 409,
	payload_too_large: 413,
	unprocessable: 422,
	rate_limited: 429,
	internal: 500,
	unavailable: 503
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export const API_ERROR_CODES = Object.keys(API_ERROR_STATUS) as ApiErrorCode[];

export const apiErrorSchema = z
	.object({
		error: z.object({
			code: z.enum(API_ERROR_CODES as [ApiErrorCode, ...ApiErrorCode[]]),
			message: z.string()
		})
	})
	.meta({ id: 'Error' });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export const promptNameParam = z
	.string()
	.min(1)
	.max(MAX_NAME_LENGTH)
	.regex(SLUG_PATTERN, 'a prompt name is a lowercase slug (letters, digits, "-", "_", ".")');

/** Label names as version control allows them. */
export const labelNameSchema = z
	.string()
	.regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'a label: letters, digits, "." "_" "/" "-"');

/** A version: its id (or a unique prefix of at least 7 characters) or its number on `main`. */
export const versionSelectorSchema = z
	.string()
	.regex(/^(\d{1,9}|[0-9a-f]{7,64})$/, 'a version number on main, or a version id (hex)');

// ---- API keys -----------------------------------------------------------------------------

export const API_SCOPES = ['read', 'write'] as const;
export const apiScopeSchema = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof apiScopeSchema>;

export const PUBLIC_KEY_PREFIX = 'pk-pl-';
export const SECRET_KEY_PREFIX = 'sk-pl-';

export const apiKeyInfoSchema = z
	.object({
		publicKey: z.string(),
		workspace: z.string(),
		scope: apiScopeSchema,
		name: z.string(),
		createdAt: z.number().int(),
		createdBy: z.string(),
		lastUsedAt: z.number().int().nullable()
	})
	.meta({ id: 'ApiKey' });
export type ApiKeyInfo = z.infer<typeof apiKeyInfoSchema>;

export const apiKeyNameSchema = z
	.string()
	.trim()
	.min(1, 'a key needs a name')
	.max(80, 'a key name has at most 80 characters')
	.refine(
		(s) => [...s].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f),
		'a key name has no control characters'
	);

export const createApiKeyRequestSchema = z.object({
	name: apiKeyNameSchema,
	scope: apiScopeSchema.default('read')
});

export const createdApiKeySchema = z
	.object({
		publicKey: z.string(),
		secretKey: z.string().describe('Shown once: only its SHA-256 hash is stored.'),
		workspace: z.string(),
		scope: apiScopeSchema,
		name: z.string(),
		createdAt: z.number().int()
	})
	.meta({ id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const apiKeyListSchema = z.object({
	workspace: z.string(),
	keys: z.array(apiKeyInfoSchema)
});

// ---- /v1 prompts --------------------------------------------------------------------------

const modelConfigOut = z
	.object({
		model: z.string(),
		temperature: z.number().optional(),
		maxTokens: z.number().int().optional(),
		params: z.record(z.string(), z.unknown())
	})
	.meta({ id: 'ModelConfig' });

const chatMessageOut = z
	.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })
	.meta({ id: 'ChatMessage' });

export const versionRefSchema = z
	.object({
		id: z.string().describe('Content-addressed version id (SHA-256 hex).'),
		number: z
			.number()
			.int()
			.nullable()
			.describe('Position in the commit order of branch main (1 = first); null off main.')
	})
	.meta({ id: 'VersionRef' });
export type VersionRef = z.infer<typeof versionRefSchema>;

export const listPromptsQuerySchema = z.object({
	tag: z.string().max(64).optional(),
	label: labelNameSchema.optional(),
	folder: z.string().max(1000).optional().describe('Folder path such as "support/billing".'),
	q: z.string().max(200).optional().describe('Words in the name, description or tags.'),
	cursor: z.string().max(400).optional(),
	limit: z.coerce.number().int().min(1).max(200).default(50)
});
export type ListPromptsQuery = z.infer<typeof listPromptsQuerySchema>;

export const promptSummarySchema = z
	.object({
		name: z.string(),
		type: z.enum(['text', 'chat']),
		description: z.string(),
		tags: z.array(z.string()),
		folder: z.string().nullable().describe('Folder path, "/"-separated; null at the top.'),
		labels: z.record(z.string(), z.string()).describe('Label → version id.'),
		head: z.string().nullable().describe('Version id of the head of main (null before a commit).'),
		updatedAt: z.string()
	})
	.meta({ id: 'PromptSummary' });
export type PromptSummary = z.infer<typeof promptSummarySchema>;

export const listPromptsResponseSchema = z
	.object({
		data: z.array(promptSummarySchema),
		nextCursor: z.string().nullable()
	})
	.meta({ id: 'PromptList' });
export type ListPromptsResponse = z.infer<typeof listPromptsResponseSchema>;

export const getPromptQuerySchema = z.object({
	label: labelNameSchema.optional().describe('Default: production (unless version is given).'),
	version: versionSelectorSchema.optional()
});
export type GetPromptQuery = z.infer<typeof getPromptQuerySchema>;

export const templateVariableSchema = z
	.object({
		name: z.string(),
		kind: z.enum(['text', 'number', 'list', 'object']),
		required: z.boolean(),
		default: z.unknown().optional(),
		fields: z.array(z.string()).optional()
	})
	.meta({ id: 'TemplateVariable' });

export const promptVersionSchema = z
	.object({
		name: z.string(),
		type: z.enum(['text', 'chat']),
		version: versionRefSchema.extend({
			message: z.string(),
			author: z.string(),
			createdAt: z.string(),
			branch: z.string()
		}),
		labels: z.array(z.string()).describe('Labels pointing at this version.'),
		template: z.string().nullable().describe('Template of a text prompt (null for chat).'),
		messages: z.array(chatMessageOut).nullable().describe('Messages of a chat prompt.'),
		config: modelConfigOut,
		tags: z.array(z.string()),
		description: z.string(),
		templateOptions: z.object({ trimBlocks: z.boolean(), lstripBlocks: z.boolean() }),
		variables: z.array(templateVariableSchema)
	})
	.meta({ id: 'PromptVersion' });
export type PromptVersionBody = z.infer<typeof promptVersionSchema>;

export const fewShotSetSchema = z
	.object({
		name: z.string().min(1).max(MAX_NAME_LENGTH),
		examples: z.array(z.object({ input: z.string(), output: z.string() })).max(1000)
	})
	.meta({ id: 'FewShotSet' });

export const renderRequestSchema = z
	.object({
		label: labelNameSchema.optional(),
		version: z.union([versionSelectorSchema, z.number().int().positive()]).optional(),
		variables: z.record(z.string(), z.unknown()).default({}),
		fewShotSets: z
			.array(fewShotSetSchema)
			.max(50)
			.optional()
			.describe(
				'Sets that fewshot("name") and {fewshot: name} messages insert, besides the workspace\'s synced sets (a set given here replaces the workspace set of the same name).'
			),
		strict: z
			.boolean()
			.default(true)
			.describe('A variable the template needs but the request lacks is an error (422).')
	})
	.meta({ id: 'RenderRequest' });
export type RenderRequestBody = z.input<typeof renderRequestSchema>;

export const renderResponseSchema = z
	.object({
		name: z.string(),
		version: versionRefSchema,
		kind: z.enum(['text', 'chat']),
		output: z.union([z.string(), z.array(chatMessageOut)]),
		warnings: z.array(
			z.object({
				code: z.enum(['missing_variable', 'unused_variable']),
				variable: z.string(),
				message: z.string()
			})
		)
	})
	.meta({ id: 'RenderResult' });
export type RenderResponse = z.infer<typeof renderResponseSchema>;

export const exportQuerySchema = z.object({
	format: z.enum(['json', 'yaml']).default('json')
});

// ---- observations -------------------------------------------------------------------------

export const observationSchema = z
	.object({
		prompt: promptNameParam,
		version: z.union([versionSelectorSchema, z.number().int().positive()]),
		latencyMs: z.number().nonnegative().max(86_400_000).optional(),
		costUsd: z.number().nonnegative().max(1e6).optional(),
		inputTokens: z.number().int().nonnegative().optional(),
		outputTokens: z.number().int().nonnegative().optional(),
		score: z.number().min(-1e9).max(1e9).optional(),
		success: z.boolean().default(true)
	})
	.meta({ id: 'Observation' });
export type Observation = z.input<typeof observationSchema>;

export const observationBatchSchema = z.object({
	observations: z.array(observationSchema).min(1).max(1000)
});

export const observationAggregateSchema = z
	.object({
		version: versionRefSchema,
		count: z.number().int(),
		failures: z.number().int(),
		latencyMs: z.object({ mean: z.number().nullable(), p50: z.number().nullable() }),
		costUsd: z.object({ total: z.number(), mean: z.number().nullable() }),
		tokens: z.object({ input: z.number().int(), output: z.number().int() }),
		score: z.object({ mean: z.number().nullable(), count: z.number().int() }),
		firstAt: z.string(),
		lastAt: z.string()
	})
	.meta({ id: 'ObservationAggregate' });
export type ObservationAggregate = z.infer<typeof observationAggregateSchema>;

export const observationsResponseSchema = z.object({
	name: z.string(),
	versions: z.array(observationAggregateSchema)
});

// ---- webhooks -----------------------------------------------------------------------------

export const WEBHOOK_EVENTS = ['version.created', 'label.moved', 'review.decided'] as const;
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const createWebhookRequestSchema = z.object({
	url: z
		.string()
		.max(2000)
		.refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
			message: 'an http(s) URL'
		}),
	events: z
		.array(webhookEventSchema)
		.min(1)
		.default([...WEBHOOK_EVENTS]),
	description: z.string().max(200).default('')
});

export const webhookInfoSchema = z
	.object({
		id: z.string(),
		url: z.string(),
		events: z.array(webhookEventSchema),
		description: z.string(),
		createdAt: z.number().int(),
		createdBy: z.string()
	})
	.meta({ id: 'Webhook' });
export type WebhookInfo = z.infer<typeof webhookInfoSchema>;

export const webhookDeliverySchema = z
	.object({
		id: z.string(),
		webhookId: z.string(),
		event: webhookEventSchema,
		url: z.string(),
		attempts: z.number().int(),
		status: z.enum(['pending', 'delivered', 'failed']),
		lastStatus: z.number().int().nullable(),
		lastError: z.string().nullable(),
		createdAt: z.number().int(),
		updatedAt: z.number().int()
	})
	.meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

// ---- Langfuse-compatible prompt endpoints -------------------------------------------------

const langfuseChatMessage = z.object({
	role: z.string(),
	content: z.string(),
	type: z.literal('chatmessage').optional()
});

export const langfusePromptSchema = z
	.object({
		name: z.string(),
		version: z.number().int(),
		type: z.enum(['text', 'chat']),
		prompt: z.union([z.string(), z.array(langfuseChatMessage)]),
		config: z.unknown(),
		labels: z.array(z.string()),
		tags: z.array(z.string()),
		commitMessage: z.string().nullable().optional(),
		id: z.string().describe('The version id.'),
		createdAt: z.string(),
		updatedAt: z.string(),
		createdBy: z.string(),
		resolutionGraph: z.null()
	})
	.meta({ id: 'LangfusePrompt' });
export type LangfusePrompt = z.infer<typeof langfusePromptSchema>;

export const langfuseGetQuerySchema = z.object({
	label: labelNameSchema.optional(),
	version: z.coerce.number().int().positive().optional()
});

const createBase = {
	name: promptNameParam,
	config: z.record(z.string(), z.unknown()).optional(),
	labels: z.array(labelNameSchema).max(20).default([]),
	tags: z.array(z.string().min(1).max(64)).max(50).optional(),
	commitMessage: z.string().max(2000).nullable().optional()
};

export const langfuseCreateSchema = z.discriminatedUnion('type', [
	z.object({ ...createBase, type: z.literal('text'), prompt: z.string().max(500_000) }),
	z.object({
		...createBase,
		type: z.literal('chat'),
		prompt: z
			.array(
				z.object({
					role: z.enum(['system', 'user', 'assistant']),
					content: z.string().max(500_000),
					type: z.literal('chatmessage').optional()
				})
			)
			.min(1)
			.max(500)
	})
]);
export type LangfuseCreate = z.infer<typeof langfuseCreateSchema>;

export const langfuseUpdateLabelsSchema = z.object({
	newLabels: z.array(labelNameSchema).max(20)
});

export const langfusePromptMetaListSchema = z
	.object({
		data: z.array(
			z.object({
				name: z.string(),
				type: z.enum(['text', 'chat']),
				versions: z.array(z.number().int()),
				labels: z.array(z.string()),
				tags: z.array(z.string()),
				lastUpdatedAt: z.string(),
				lastConfig: z.unknown()
			})
		),
		meta: z.object({
			page: z.number().int(),
			limit: z.number().int(),
			totalItems: z.number().int(),
			totalPages: z.number().int()
		})
	})
	.meta({ id: 'LangfusePromptMetaList' });
export type LangfusePromptMetaList = z.infer<typeof langfusePromptMetaListSchema>;

export const langfuseListQuerySchema = z.object({
	name: z.string().optional(),
	label: z.string().optional(),
	tag: z.string().optional(),
	page: z.coerce.number().int().min(1).default(1),
	limit: z.coerce.number().int().min(1).max(100).default(50)
});

/** The first problem of a failed parse as one readable line: `variables: expected object`. */
export function describeIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'invalid request';
	const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
	return `${where}${issue.message}`;
}
