/** @module Prompt, folder and project entities with runtime validation. */
import { z } from './zod';
import { MAX_NAME_LENGTH, SLUG_PATTERN } from './ids';

export const ROLES = ['system', 'user', 'assistant'] as const;
export type ChatRole = (typeof ROLES)[number];

export const chatMessageSchema = z.object({
	role: z.enum(ROLES),
	content: z.string()
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const modelConfigSchema = z.object({
	model: z.string(),
	temperature: z.number().min(0).max(2).optional(),
	maxTokens: z.number().int().positive().optional(),
	params: z.record(z.string(), z.unknown()).default({})
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'url'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const customFieldSchema = z
	.object({
		key: z.string().min(1).max(64),
		type: z.enum(CUSTOM_FIELD_TYPES),
		value: z.union([z.string(), z.number(), z.boolean()])
	})
	.superRefine((field, ctx) => {
		const ok =
			(field.type === 'number' && typeof field.value === 'number') ||
			(field.type === 'boolean' && typeof field.value === 'boolean') ||
			(field.type === 'string' && typeof field.value === 'string') ||
			(field.type === 'date' &&
				typeof field.value === 'string' &&
				!Number.isNaN(Date.parse(field.value))) ||
			(field.type === 'url' && typeof field.value === 'string' && URL.canParse(field.value));
		if (!ok) {
			ctx.addIssue({
				code: 'custom',
				path: ['value'],
				message: `value ${JSON.stringify(field.value)} is not a valid ${field.type}`
			});
		}
	});
export type CustomField = z.infer<typeof customFieldSchema>;

/** Reports every custom field whose key an earlier field already has. */
export function refineUniqueCustomFields(fields: CustomField[], ctx: z.RefinementCtx): void {
	const keys = new Set<string>();
	fields.forEach((f, i) => {
		if (keys.has(f.key))
			ctx.addIssue({
				code: 'custom',
				path: ['customFields', i, 'key'],
				message: `duplicate custom field "${f.key}"`
			});
		keys.add(f.key);
	});
}

export const templateOptionsSchema = z.object({
	trimBlocks: z.boolean().default(false),
	lstripBlocks: z.boolean().default(false)
});
export type TemplateOptions = z.infer<typeof templateOptionsSchema>;

export const promptNameSchema = z
	.string()
	.min(1, 'name is empty')
	.max(MAX_NAME_LENGTH, `name is longer than ${MAX_NAME_LENGTH} characters`)
	.regex(
		SLUG_PATTERN,
		'name must be a slug: lowercase letters, digits, and single "-", "_" or "." between them'
	);

const timestamp = z.number().int().nonnegative();

export const promptSchema = z
	.object({
		id: z.string().min(1),
		name: promptNameSchema,
		type: z.enum(['text', 'chat']),
		/** Template text of a `text` prompt; empty for chat prompts. */
		content: z.string(),
		/** Messages of a `chat` prompt; each content is a template. Empty for text prompts. */
		messages: z.array(chatMessageSchema),
		description: z.string().default(''),
		tags: z.array(z.string().min(1).max(64)).default([]),
		intent: z.string().default(''),
		author: z.string().default(''),
		modelConfig: modelConfigSchema,
		customFields: z.array(customFieldSchema).default([]),
		templateOptions: templateOptionsSchema.default({ trimBlocks: false, lstripBlocks: false }),
		folderId: z.string().nullable().default(null),
		projectId: z.string().nullable().default(null),
		createdAt: timestamp,
		updatedAt: timestamp,
		/** Set when the prompt is in the trash. */
		deletedAt: timestamp.nullable().default(null)
	})
	.superRefine((p, ctx) => refineUniqueCustomFields(p.customFields, ctx));
export type Prompt = z.infer<typeof promptSchema>;

export const folderSchema = z.object({
	id: z.string().min(1),
	name: z
		.string()
		.min(1, 'folder name is empty')
		.max(120)
		.refine((n) => !n.includes('/'), 'folder name must not contain "/"'),
	parentId: z.string().nullable(),
	createdAt: timestamp,
	updatedAt: timestamp
});
export type Folder = z.infer<typeof folderSchema>;

export const projectSchema = z.object({
	id: z.string().min(1),
	name: z.string().min(1, 'project name is empty').max(120),
	description: z.string().default(''),
	createdAt: timestamp,
	updatedAt: timestamp
});
export type Project = z.infer<typeof projectSchema>;

/** The editable parts of a prompt that a version snapshots. */
export type PromptContent = Pick<Prompt, 'type' | 'content' | 'messages'>;
export type PromptMetadata = Pick<
	Prompt,
	'modelConfig' | 'tags' | 'description' | 'customFields' | 'intent' | 'templateOptions'
>;

export { promptText } from './prompt-text';
