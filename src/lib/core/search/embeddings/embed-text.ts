/** @module The text of a prompt that gets embedded, and its content hash. */
import { sha256Hex } from '../../util/crypto';
import { promptText, type Prompt } from '../../model/prompt';

/** Longest text embedded per prompt; the start of a prompt carries most of its meaning. */
export const MAX_EMBED_CHARS = 2000;

/** Name (slug words), description, tags and content: what "find prompts that do X" should match. */
export function embedText(
	p: Pick<Prompt, 'name' | 'description' | 'tags' | 'type' | 'content' | 'messages'>
): string {
	const parts = [p.name.replace(/[-_.]+/g, ' '), p.description, p.tags.join(' '), promptText(p)];
	return parts
		.map((s) => s.trim())
		.filter(Boolean)
		.join('\n')
		.slice(0, MAX_EMBED_CHARS);
}

/** SHA-256 of `text` as lowercase hex (WebCrypto, so it runs in browsers, workers and Node). */
export const contentHash = sha256Hex;
