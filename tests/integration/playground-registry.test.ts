import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createDatabase } from '../../src/lib/core/store/db';
import { AppProviderRegistry } from '../../src/lib/core/providers/app-registry';
import { DEFAULT_PRICES, KeyVaultError } from '../../src/lib/core/providers/index';
import { PromptloomError } from '../../src/lib/core/model/errors';
import { startMockLlm, type MockLlmServer } from '../support/mock-llm/server';

let llm: MockLlmServer;
beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
});
afterAll(async () => {
	await llm.close();
});

/** Two registries over one fake IndexedDB stand for the same device before and after a reload. */
function sameDevice() {
	const factory = new IDBFactory();
	const name = `reg-${crypto.randomUUID()}`;
	const open = () => {
		const db = createDatabase({ name, indexedDB: factory, IDBKeyRange });
		return { db, registry: new AppProviderRegistry({ db }) };
	};
	return open;
}

const SECRET = 'sk-test-0123456789-very-secret';

describe('the provider registry keeps API keys encrypted at rest', () => {
	it('stores only ciphertext, never lists the key, and sends it to the provider', async () => {
		const { db, registry } = sameDevice()();
		const config = await registry.add(
			{ name: 'Local vLLM', kind: 'openai-compatible', baseUrl: `${llm.url}/v1/`, models: ['m1'] },
			{ apiKey: SECRET }
		);
		expect(config).toMatchObject({ id: 'local-vllm', hasKey: true, keyScheme: 'device' });
		expect(config.baseUrl).toBe(`${llm.url}/v1`);

		const stored = await db.providerKeys.toArray();
		expect(stored).toHaveLength(1);
		expect(JSON.stringify(stored)).not.toContain(SECRET);
		expect(JSON.stringify(await db.providerConfigs.toArray())).not.toContain(SECRET);
		expect(JSON.stringify(await registry.list())).not.toContain(SECRET);

		llm.reset();
		const { provider, model } = await registry.resolve('local-vllm:reply-model');
		const result = await provider.chat({
			model,
			messages: [{ role: 'user', content: 'reply with exactly: hello there' }]
		});
		expect(result.text).toBe('hello there');
		expect(llm.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
	});

	it('keeps the device key across a reload and opens the key with it', async () => {
		const open = sameDevice();
		const first = open();
		await first.registry.add(
			{ id: 'claude', name: 'Anthropic', kind: 'anthropic', baseUrl: llm.url },
			{ apiKey: SECRET }
		);
		first.db.close();
		const second = open();
		const { provider, model, config } = await second.registry.resolve(
			'claude:claude-3-5-haiku-latest'
		);
		expect(config.kind).toBe('anthropic');
		const r = await provider.chat({
			model,
			messages: [{ role: 'user', content: 'reply with exactly: from anthropic' }]
		});
		expect(r.text).toBe('from anthropic');
		expect(r.costUsd).toBeGreaterThan(0);
	});

	it('locks passphrase keys after a reload and rejects a wrong passphrase', async () => {
		const open = sameDevice();
		const first = open();
		await first.registry.add(
			{ id: 'openai', name: 'OpenAI', kind: 'openai', baseUrl: `${llm.url}/v1` },
			{ apiKey: SECRET, passphrase: 'correct horse battery' }
		);
		const [rec] = await first.db.providerKeys.toArray();
		expect(rec.scheme).toBe('passphrase');
		expect(JSON.stringify(rec)).not.toContain(SECRET);
		first.db.close();

		const second = open();
		expect(await second.registry.lockState()).toEqual({ passphraseKeys: 1, unlocked: false });
		const locked = await second.registry.resolve('openai:gpt-4o-mini').catch((e: unknown) => e);
		expect(locked).toBeInstanceOf(KeyVaultError);
		expect((locked as KeyVaultError).message).toMatch(/locked with a passphrase/);

		const wrong = await second.registry.unlock('wrong passphrase!').catch((e: unknown) => e);
		expect(wrong).toBeInstanceOf(KeyVaultError);
		expect((wrong as KeyVaultError).reason).toBe('wrong_passphrase');
		// A second key cannot be stored under a different passphrase either.
		await expect(
			second.registry.add(
				{ id: 'other', name: 'Other', kind: 'openai', baseUrl: `${llm.url}/v1` },
				{ apiKey: 'sk-other-key', passphrase: 'another passphrase' }
			)
		).rejects.toMatchObject({ reason: 'wrong_passphrase' });

		await second.registry.unlock('correct horse battery');
		const { provider, model } = await second.registry.resolve('openai:gpt-4o-mini');
		const r = await provider.chat({
			model,
			messages: [{ role: 'user', content: 'reply with exactly: unlocked' }]
		});
		expect(r.text).toBe('unlocked');
	});

	it('gives specific errors for unknown providers, missing keys and bad settings', async () => {
		const { registry } = sameDevice()();
		await expect(registry.resolve('nowhere:model')).rejects.toThrow(
			/no provider "nowhere" is configured/
		);
		await registry.add({ id: 'gem', name: 'Gemini', kind: 'gemini', baseUrl: llm.url });
		await expect(registry.resolve('gem:gemini-2.5-flash')).rejects.toThrow(
			/no API key is stored for Gemini/
		);
		await expect(registry.add({ name: 'Compat', kind: 'openai-compatible' })).rejects.toMatchObject(
			{ code: 'validation', path: 'baseUrl' }
		);
		await expect(
			registry.add({ name: 'Bad', kind: 'ollama', baseUrl: 'file:///etc/passwd' })
		).rejects.toThrow(/http or https/);
		await expect(registry.add({ id: 'gem', name: 'Again', kind: 'ollama' })).rejects.toMatchObject({
			code: 'conflict'
		});
		await expect(
			registry.add({ id: 'Has:Colon', name: 'x', kind: 'ollama' })
		).rejects.toBeInstanceOf(PromptloomError);
	});

	it('resolves a provider kind to the configured provider of that kind', async () => {
		const { registry } = sameDevice()();
		await registry.add({ id: 'local', name: 'Local Ollama', kind: 'ollama', baseUrl: llm.url });
		const { config, model } = await registry.resolve('ollama:llama3:8b');
		expect(config.id).toBe('local');
		expect(model).toBe('llama3:8b');
	});

	it('prices calls with the edited price table and validates edits', async () => {
		const { registry } = sameDevice()();
		await registry.add(
			{ id: 'oai', name: 'OpenAI', kind: 'openai', baseUrl: `${llm.url}/v1` },
			{ apiKey: SECRET }
		);
		expect((await registry.getPrices()).asOf).toBe(DEFAULT_PRICES.asOf);
		await registry.setPrices({
			asOf: '2030-01-01',
			currency: 'USD',
			entries: [{ model: 'house-model', inputPer1M: 1_000_000, outputPer1M: 0 }]
		});
		const { provider, model } = await registry.resolve('oai:house-model');
		const r = await provider.chat({ model, messages: [{ role: 'user', content: 'hi' }] });
		expect(r.costUsd).toBe(r.usage.inputTokens);
		await expect(
			registry.setPrices({ asOf: 'yesterday', currency: 'USD', entries: [] })
		).rejects.toThrow(/YYYY-MM-DD/);
		expect((await registry.resetPrices()).asOf).toBe(DEFAULT_PRICES.asOf);
	});
});
