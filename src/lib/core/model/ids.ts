/** @module Identifiers and the slug rules of prompt names. */

/** A prompt name: lowercase slug usable in URLs and the API. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 120;

export function newId(): string {
	return crypto.randomUUID();
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
