/** @module Runtime validation of versions, branches, labels and label events read from outside. */
import { z } from '../model/zod';
import { promptSchema } from '../model/prompt';
import type { Branch, Label, LabelEvent, Version } from '../model/version';

const timestamp = z.number().int().nonnegative();
const p = promptSchema.shape;

/** A version id: lowercase hex SHA-256. */
export const versionIdSchema = z
	.string()
	.regex(/^[0-9a-f]{64}$/, 'must be a version id (64 lowercase hex characters of a SHA-256)');

export const promptContentSchema = z.object({
	type: p.type,
	content: p.content,
	messages: p.messages
});

export const promptMetadataSchema = z.object({
	modelConfig: p.modelConfig,
	tags: p.tags,
	description: p.description,
	customFields: p.customFields,
	intent: p.intent,
	templateOptions: p.templateOptions
});

export const versionSchema = z.object({
	id: versionIdSchema,
	promptId: z.string().min(1),
	parents: z.array(versionIdSchema),
	content: promptContentSchema,
	metadata: promptMetadataSchema,
	message: z.string(),
	author: z.string(),
	createdAt: timestamp,
	branch: z.string().min(1)
});

export const branchSchema = z.object({
	promptId: z.string().min(1),
	name: z.string().min(1).max(120),
	head: versionIdSchema,
	createdAt: timestamp,
	createdBy: z.string()
});

export const labelSchema = z.object({
	promptId: z.string().min(1),
	name: z.string().min(1).max(64),
	versionId: versionIdSchema,
	updatedAt: timestamp,
	updatedBy: z.string()
});

export const labelEventSchema = z.object({
	id: z.string().min(1),
	promptId: z.string().min(1),
	label: z.string().min(1),
	from: versionIdSchema.nullable(),
	to: versionIdSchema.nullable(),
	actor: z.string(),
	at: timestamp
});

/** Compile-time proof that each schema's output is exactly its model interface. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proofs: [
	Same<z.output<typeof versionSchema>, Version>,
	Same<z.output<typeof branchSchema>, Branch>,
	Same<z.output<typeof labelSchema>, Label>,
	Same<z.output<typeof labelEventSchema>, LabelEvent>
] = [true, true, true, true];
void proofs;
