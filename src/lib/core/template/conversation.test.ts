import { describe, expect, it } from 'vitest';
import {
	appendAssistantReply,
	continueConversation,
	startConversation,
	windowConversation
} from './conversation';
import { renderRequest } from './render';
import type { ChatMessage } from './types';

describe('conversation memory simulation', () => {
	it('feeds the history back turn by turn', () => {
		const opening = startConversation(
			renderRequest({
				messages: [{ role: 'system', content: 'You help {{ who }}.' }],
				variables: { who: 'Ann' }
			})
		);
		let history = continueConversation(opening, 'Hi');
		history = appendAssistantReply(history, 'Hello Ann');
		const next = continueConversation(history, 'And now?');
		expect(next).toEqual([
			{ role: 'system', content: 'You help Ann.' },
			{ role: 'user', content: 'Hi' },
			{ role: 'assistant', content: 'Hello Ann' },
			{ role: 'user', content: 'And now?' }
		]);
		expect(history).toHaveLength(3);
	});

	it('turns a text prompt into the first user turn and rejects empty turns', () => {
		expect(startConversation(renderRequest({ template: 'Q' }))).toEqual([
			{ role: 'user', content: 'Q' }
		]);
		expect(() => continueConversation([], '  ')).toThrow('the user turn is empty');
	});

	it('keeps system messages and the latest turns within a token window', async () => {
		const history: ChatMessage[] = [
			{ role: 'system', content: 'sys' },
			{ role: 'user', content: 'one two three four five six seven eight' },
			{ role: 'assistant', content: 'ok' },
			{ role: 'user', content: 'last' }
		];
		expect((await windowConversation(history, 4)).map((m) => m.content)).toEqual([
			'sys',
			'ok',
			'last'
		]);
		expect(await windowConversation(history, 1000)).toEqual(history);
	});
});
