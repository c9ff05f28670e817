/** @module A prompt's full text as one string (kept apart from the schemas, which need zod). */

/** The parts of a prompt (or version) its text is made of. */
export interface PromptTextParts {
	type: 'text' | 'chat';
	content: string;
	messages: readonly { role: string; content: string }[];
}

/** The full text of a prompt as one string (chat messages joined with role headers). */
export function promptText(p: PromptTextParts): string {
	if (p.type === 'text') return p.content;
	return p.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
}
