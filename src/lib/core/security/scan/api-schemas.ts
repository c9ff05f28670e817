/** @module Request and answer shapes of the relay's `/v1/scan` and `/v1/redact` (also in the OpenAPI description). */
import { z } from '../../model/zod';
import { FINDING_KINDS, SEVERITIES, type FindingKind, type Severity } from './types';

const kind = z.enum(FINDING_KINDS as [FindingKind, ...FindingKind[]]);

export const scanRequestSchema = z.object({
	text: z.string().describe('The text to scan'),
	kinds: z
		.array(kind)
		.min(1)
		.optional()
		.describe('Kinds to look for (scan: all; redact: pii and secret)')
});

export const findingSchema = z.object({
	kind,
	type: z.string().describe('Presidio entity name for PII, rule name otherwise'),
	start: z.number().int().describe('UTF-16 offset, inclusive'),
	end: z.number().int().describe('UTF-16 offset, exclusive'),
	score: z.number().min(0).max(1),
	severity: z.enum(SEVERITIES as [Severity, ...Severity[]]),
	message: z.string()
});

export const scanResponseSchema = z.object({
	findings: z.array(findingSchema),
	injectionScore: z.number().min(0).max(1)
});

export const redactResponseSchema = z.object({
	text: z.string().describe('The text with placeholders such as <EMAIL_1>'),
	redactions: z.array(
		z.object({ placeholder: z.string(), value: z.string(), type: z.string(), kind })
	)
});
