/** @module Test and benchmark data for version control: snapshots and deterministic long texts. */
import type { ChatMessage, PromptMetadata } from '../model/prompt';
import type { Snapshot } from './service';
import { mulberry32 } from '../util/prng';

export function metadata(overrides: Partial<PromptMetadata> = {}): PromptMetadata {
	return {
		modelConfig: { model: 'gpt-4o', temperature: 0.2, maxTokens: 512, params: {} },
		tags: [],
		description: '',
		customFields: [],
		intent: '',
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		...overrides
	};
}

export function textSnapshot(text: string, meta: Partial<PromptMetadata> = {}): Snapshot {
	return { content: { type: 'text', content: text, messages: [] }, metadata: metadata(meta) };
}

export function chatSnapshot(
	messages: ChatMessage[],
	meta: Partial<PromptMetadata> = {}
): Snapshot {
	return { content: { type: 'chat', content: '', messages }, metadata: metadata(meta) };
}

const WORDS = (
	'you are a helpful assistant answer the user question using only the provided context ' +
	'cite sources when possible if the answer is not in the context say you do not know ' +
	'respond in json format with fields answer confidence and citations keep it concise ' +
	'the customer {{ name }} asked about order {{ order_id }} refund policy shipping time'
).split(' ');

/** Prompt-like prose of about `bytes` characters, in lines of 8–16 words. */
export function prose(bytes: number, seed = 1): string {
	const rand = mulberry32(seed);
	const lines: string[] = [];
	let size = 0;
	while (size < bytes) {
		const n = 8 + Math.floor(rand() * 9);
		const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]);
		const line = words.join(' ') + (rand() < 0.2 ? '.' : '');
		lines.push(line);
		size += line.length + 1;
	}
	return lines.join('\n') + '\n';
}

/** Changes about `fraction` of the words of `text` (replace, insert or delete), deterministically. */
export function mutate(text: string, fraction: number, seed = 2): string {
	const rand = mulberry32(seed);
	return text
		.split('\n')
		.map((line) =>
			line
				.split(' ')
				.flatMap((w) => {
					if (rand() >= fraction) return [w];
					const r = rand();
					const other = WORDS[Math.floor(rand() * WORDS.length)];
					return r < 0.5 ? [other] : r < 0.8 ? [w, other] : [];
				})
				.join(' ')
		)
		.join('\n');
}
