/** @module Stored shapes of provider settings and the device key, with validation of what is written. */
import { z } from '../model/zod';
import type { DeviceKey } from './key-vault';
import { PROVIDER_KINDS, type ProviderKind } from './types';

/** A configured provider as stored: settings only, never a secret. */
export interface StoredProviderConfig {
	/** Lower-case slug used as the model-spec prefix: `<id>:<model>`. */
	id: string;
	name: string;
	kind: ProviderKind;
	baseUrl?: string;
	/** Models offered in the playground's model picker, e.g. `gpt-4o-mini`. */
	models: string[];
	createdAt: number;
	updatedAt: number;
}

/**
 * The device key record (one per database): the CryptoKey is non-extractable and stored as is,
 * since IndexedDB clones CryptoKey objects without exposing their bytes.
 */
export type StoredDeviceKey = DeviceKey;

/** Provider ids: a slug without `:` so `<id>:<model>` stays unambiguous. */
export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,39}$/;

export const providerConfigInputSchema = z.object({
	id: z
		.string()
		.regex(
			PROVIDER_ID_PATTERN,
			'id must be 1–40 lowercase letters, digits, ".", "_" or "-" (it prefixes model names, e.g. my-vllm:llama3)'
		)
		.optional(),
	name: z.string().trim().min(1, 'name is empty').max(80, 'name is longer than 80 characters'),
	kind: z.enum(PROVIDER_KINDS as [ProviderKind, ...ProviderKind[]]),
	baseUrl: z.string().trim().max(2000).optional(),
	models: z.array(z.string().trim().min(1).max(200)).max(100).default([])
});

/** What the settings form submits for a provider. */
export type ProviderConfigInput = z.input<typeof providerConfigInputSchema>;

export const priceTableSchema = z.object({
	asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'asOf must be a date written YYYY-MM-DD'),
	currency: z.literal('USD'),
	entries: z.array(
		z.object({
			model: z.string().trim().min(1, 'a price row has no model name'),
			aliases: z.array(z.string().min(1)).optional(),
			inputPer1M: z.number().nonnegative('prices cannot be negative').finite(),
			outputPer1M: z.number().nonnegative('prices cannot be negative').finite()
		})
	)
});

/** A slug made from a provider name, e.g. `My vLLM box` → `my-vllm-box`. */
export function slugifyProviderId(name: string): string {
	const slug = name
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9._-]+/g, '-')
		.replace(/^[^a-z0-9]+|-+$/g, '')
		.slice(0, 40);
	return slug || 'provider';
}
