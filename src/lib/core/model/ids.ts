/** @module Branded identifiers and slug rules shared by every entity. */

export type PromptId = string & { readonly __brand: 'PromptId' };
export type FolderId = string & { readonly __brand: 'FolderId' };
export type ProjectId = string & { readonly __brand: 'ProjectId' };
export type VersionId = string & { readonly __brand: 'VersionId' };

/** A prompt name: lowercase slug usable in URLs and the API. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 120;

export function newId<T extends string>(): T {
	return crypto.randomUUID() as T;
}

/** Turns free text into a valid prompt name (slug); never returns an empty string. */
export function slugify(text: string): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9._-]+/g, '-')
		.replace(/[-_.]{2,}/g, '-')
		.replace(/^[-_.]+|[-_.]+$/g, '')
		.slice(0, MAX_NAME_LENGTH)
		.replace(/[-_.]+$/g, '');
	return slug || 'untitled';
}
