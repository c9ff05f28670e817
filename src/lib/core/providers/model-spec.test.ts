import { describe, expect, it } from 'vitest';
import { isPromptloomError } from '../model/errors';
import { parseModelSpec } from './model-spec';

describe('parseModelSpec', () => {
	it('parses provider:model and the promptfoo provider:type:model forms', () => {
		expect(parseModelSpec('openai:gpt-4o-mini')).toEqual({
			provider: 'openai',
			kind: 'openai',
			model: 'gpt-4o-mini'
		});
		expect(parseModelSpec('openai:chat:gpt-4o-mini').model).toBe('gpt-4o-mini');
		expect(parseModelSpec('anthropic:messages:claude-3-5-haiku-latest')).toEqual({
			provider: 'anthropic',
			kind: 'anthropic',
			model: 'claude-3-5-haiku-latest'
		});
		expect(parseModelSpec('ollama:chat:llama3')).toEqual({
			provider: 'ollama',
			kind: 'ollama',
			model: 'llama3'
		});
		expect(parseModelSpec('google:gemini-2.5-flash').kind).toBe('gemini');
	});

	it('keeps colons and slashes that belong to the model id', () => {
		expect(parseModelSpec('ollama:llama3:8b').model).toBe('llama3:8b');
		expect(parseModelSpec('ollama:chat:llama3:8b').model).toBe('llama3:8b');
		expect(parseModelSpec('openrouter:openai/gpt-4o')).toEqual({
			provider: 'openrouter',
			kind: 'openai-compatible',
			model: 'openai/gpt-4o'
		});
	});

	it('leaves custom provider ids without a kind', () => {
		expect(parseModelSpec('my-vllm:Qwen2-7B')).toEqual({
			provider: 'my-vllm',
			kind: undefined,
			model: 'Qwen2-7B'
		});
	});

	it('infers the provider of a bare, well-known model name', () => {
		expect(parseModelSpec('claude-3-5-haiku-latest').kind).toBe('anthropic');
		expect(parseModelSpec('gpt-4o').kind).toBe('openai');
	});

	it('rejects empty specs, unknown bare names and non-chat endpoint types with specific errors', () => {
		for (const [spec, text] of [
			['', 'empty model spec'],
			['llama3', 'cannot tell the provider'],
			['openai:embedding:text-embedding-3-small', 'embedding endpoints are not supported'],
			['openai:', 'not a model spec']
		]) {
			try {
				parseModelSpec(spec);
				expect.unreachable();
			} catch (e) {
				expect(isPromptloomError(e, 'validation')).toBe(true);
				expect((e as Error).message).toContain(text);
			}
		}
	});
});
