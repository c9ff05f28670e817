/** Plugin providers against the test LLM server: the host makes the request, to approved hosts only, with the key placed by the host. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlmServer } from '../../../../tests/support/mock-llm/server';
import { nodeModuleSessions } from '../sandbox/session.node.ts';
import { parseManifest } from './manifest';
import { LoadedPlugin } from './plugin';
import { pluginChat } from './providers';

let llm: MockLlmServer;
let plugin: LoadedPlugin;
let host: string;

// An OpenAI-format gateway; it also reports whether it was shown the key.
const CODE = `export const providers = { gateway: {
	request: ({ model, messages, apiKey }) => ({
		url: 'http://HOST/v1/chat/completions',
		headers: { authorization: 'Bearer \${apiKey}', 'x-saw-key': String(apiKey) },
		body: { model, messages }
	}),
	response: ({ status, body }) => status === 200
		? { text: body.choices[0].message.content, inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens }
		: { error: 'HTTP ' + status }
} };`;

beforeAll(async () => {
	llm = await startMockLlm({ port: 0 });
	host = `127.0.0.1:${llm.port}`;
	plugin = await LoadedPlugin.load(
		{
			manifest: parseManifest(
				JSON.stringify({
					id: 'gateway',
					name: 'Gateway',
					version: '1.0.0',
					main: 'plugin.js',
					contributes: { providers: [{ name: 'gateway' }] },
					permissions: { hosts: [host] }
				})
			),
			code: CODE.replace('HOST', host)
		},
		nodeModuleSessions
	);
});
afterAll(async () => {
	plugin.dispose();
	await llm.close();
});

const request = {
	model: 'gpt-4o-mini',
	messages: [{ role: 'user' as const, content: 'reply with exactly: hello gateway' }]
};

describe('plugin providers', () => {
	it('answers through the declared and approved host, the key placed by the host unseen by the plugin', async () => {
		llm.reset();
		const r = await pluginChat(plugin, 'gateway', request, {
			approvedHosts: [host],
			apiKey: 'sk-gateway'
		});
		expect(r.text).toBe('hello gateway');
		expect(r.usage.inputTokens).toBeGreaterThan(0);
		expect(llm.requests).toHaveLength(1);
		expect(llm.requests[0].headers.authorization).toBe('Bearer sk-gateway');
		expect(llm.requests[0].headers['x-saw-key']).toBe('null');
	});

	it('sends nothing to a declared host the user has not approved', async () => {
		llm.reset();
		await expect(
			pluginChat(plugin, 'gateway', request, { approvedHosts: [], apiKey: 'sk-gateway' })
		).rejects.toMatchObject({
			code: 'forbidden',
			message: `plugin gateway (providers/gateway.request) asked for host ${host}, which you have not approved`
		});
		expect(llm.requests).toHaveLength(0);
	});
});
