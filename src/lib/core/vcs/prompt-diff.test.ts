import { beforeAll, describe, expect, it } from 'vitest';
import { chatSnapshot, metadata, textSnapshot } from './fixtures';
import { diffPrompts } from './prompt-diff';
import { loadTokenizer } from './token-diff';

beforeAll(async () => {
	await loadTokenizer();
});

describe('diffPrompts', () => {
	it('diffs text prompts at every granularity, with metadata and token totals', () => {
		const a = { id: 'a', ...textSnapshot('Be brief.\nUse JSON.\n') };
		const b = {
			id: 'b',
			...textSnapshot('Be thorough.\nUse JSON.\n', {
				modelConfig: { ...metadata().modelConfig, temperature: 0.7 }
			})
		};
		const d = diffPrompts(a, b);
		expect(d.mode).toBe('text');
		expect(d.text?.lines?.map((p) => p.op)).toEqual(['delete', 'insert', 'equal']);
		expect(d.text?.words).toContainEqual({ op: 'delete', text: 'brief' });
		expect(d.text?.tokens?.delta).toBe(d.tokenDelta);
		expect(d.metadata).toEqual([{ path: 'modelConfig.temperature', from: 0.2, to: 0.7 }]);
		expect(d.tokensA).toBeGreaterThan(0);
	});

	it('diffs chat prompts per message: equal, changed, added', () => {
		const a = {
			id: 'a',
			...chatSnapshot([
				{ role: 'system', content: 'S' },
				{ role: 'user', content: 'Hi there' }
			])
		};
		const b = {
			id: 'b',
			...chatSnapshot([
				{ role: 'system', content: 'S' },
				{ role: 'user', content: 'Hi you' },
				{ role: 'assistant', content: 'Hello' }
			])
		};
		const d = diffPrompts(a, b, ['words']);
		expect(d.mode).toBe('chat');
		expect(d.messages?.map((m) => [m.status, m.indexA, m.indexB])).toEqual([
			['equal', 0, 0],
			['changed', 1, 1],
			['added', undefined, 2]
		]);
		expect(d.messages?.[1].diff.words).toEqual([
			{ op: 'equal', text: 'Hi ' },
			{ op: 'delete', text: 'there' },
			{ op: 'insert', text: 'you' }
		]);
		expect(d.messages?.[1].diff.lines).toBeUndefined();
	});

	it('compares the full text when the prompt type changed', () => {
		const a = { id: 'a', ...textSnapshot('Hello') };
		const b = { id: 'b', ...chatSnapshot([{ role: 'user', content: 'Hello' }]) };
		const d = diffPrompts(a, b, ['lines']);
		expect(d.mode).toBe('text');
		expect(d.text?.lines).toEqual([
			{ op: 'insert', text: '[user]\n' },
			{ op: 'equal', text: 'Hello' }
		]);
	});
});
