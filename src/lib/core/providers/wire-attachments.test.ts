import { describe, expect, it } from 'vitest';
import type { ChatRequest } from './types';
import { anthropicWire } from './wire-anthropic';
import { openaiWire } from './wire-openai';

const req: ChatRequest = {
	model: 'm',
	messages: [
		{ role: 'system', content: 'Be brief' },
		{
			role: 'user',
			content: 'What is in these?',
			attachments: [
				{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
				{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }
			]
		}
	]
};

describe('message attachments on the wire', () => {
	it('OpenAI: the text part, then the parts as given', () => {
		const body = openaiWire.build(req, false, 'k').body as { messages: unknown[] };
		expect(body.messages[1]).toEqual({
			role: 'user',
			content: [
				{ type: 'text', text: 'What is in these?' },
				{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
				{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }
			]
		});
		expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief' });
	});

	it('Anthropic: image blocks from URLs and from data URLs (base64); audio is refused', () => {
		const body = anthropicWire.build(req, false, 'k').body as { messages: unknown[] };
		expect(body.messages).toEqual([
			{
				role: 'user',
				content: [
					{ type: 'text', text: 'What is in these?' },
					{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
					{
						type: 'image',
						source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }
					}
				]
			}
		]);
		expect(() =>
			anthropicWire.build(
				{
					model: 'm',
					messages: [
						{
							role: 'user',
							content: 'x',
							attachments: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }]
						}
					]
				},
				false,
				'k'
			)
		).toThrow('Anthropic takes text and image_url parts, not input_audio');
	});
});
