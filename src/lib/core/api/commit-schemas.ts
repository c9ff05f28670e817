/**
 * @module `/v1` write contract: commit a whole prompt (text, messages and every metadata field a
 * prompt file carries) as a new version on main, guarded by the head it was based on, and move a
 * prompt to the trash. `promptloom push` speaks it; the OpenAPI description is generated from it.
 */
import { z } from '../model/zod';
import {
	chatMessageSchema,
	customFieldSchema,
	modelConfigSchema,
	refineUniqueCustomFields,
	templateOptionsSchema
} from '../model/prompt';
import { labelNameSchema, versionRefSchema } from './schemas';

const MAX_TEXT = 500_000;

export const commitVersionRequestSchema = z
	.object({
		type: z.enum(['text', 'chat']),
		template: z.string().max(MAX_TEXT).default('').describe('Template of a text prompt.'),
		messages: z
			.array(chatMessageSchema.extend({ content: z.string().max(MAX_TEXT) }))
			.max(500)
			.default([])
			.describe('Messages of a chat prompt.'),
		config: modelConfigSchema
			.optional()
			.describe("Model configuration; keeps the head's when absent."),
		tags: z.array(z.string().min(1).max(64)).max(100).optional(),
		description: z.string().max(10_000).optional(),
		intent: z.string().max(200).optional(),
		customFields: z.array(customFieldSchema).max(100).optional(),
		templateOptions: templateOptionsSchema.optional(),
		message: z.string().min(1, 'a commit message is required').max(2_000),
		labels: z
			.array(labelNameSchema)
			.max(20)
			.default([])
			.describe('Labels to point at the new version.'),
		expectedParent: z
			.string()
			.nullable()
			.optional()
			.describe(
				'The head of main the change was made on (null: the prompt must not exist yet). When main moved since, the answer is 409 and nothing is written.'
			)
	})
	.superRefine((b, ctx) => {
		if (b.type === 'chat' && b.messages.length === 0)
			ctx.addIssue({ code: 'custom', path: ['messages'], message: 'a chat prompt needs messages' });
		refineUniqueCustomFields(b.customFields ?? [], ctx);
	})
	.meta({ id: 'CommitVersionRequest' });
export type CommitVersionRequest = z.input<typeof commitVersionRequestSchema>;

export const commitVersionResponseSchema = z
	.object({
		name: z.string(),
		version: versionRefSchema,
		created: z.boolean().describe('True when the commit created the prompt.'),
		changed: z
			.boolean()
			.describe(
				"False when the content equals main's head: nothing was written, the head is returned."
			)
	})
	.meta({ id: 'CommitVersionResponse' });
export type CommitVersionResponse = z.infer<typeof commitVersionResponseSchema>;

export const trashPromptQuerySchema = z.object({
	expectedVersion: z
		.string()
		.min(1)
		.optional()
		.describe('The head of main the caller last saw; 409 when main moved since.')
});

export const trashPromptResponseSchema = z
	.object({ name: z.string(), trashed: z.literal(true), deletedAt: z.string() })
	.meta({ id: 'TrashPromptResponse' });
export type TrashPromptResponse = z.infer<typeof trashPromptResponseSchema>;
