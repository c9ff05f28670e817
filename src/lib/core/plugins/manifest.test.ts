import { describe, expect, it } from 'vitest';
import { checkManifest, describePermissions, parseManifest, parsePluginRef } from './manifest';

const base = {
	id: 'house-style',
	name: 'House style',
	version: '1.0.0',
	main: 'plugin.js',
	contributes: { scorers: [{ name: 'tone' }] }
};
const issues = (m: unknown) => {
	const r = checkManifest(JSON.stringify(m));
	return r.ok ? [] : r.issues;
};

describe('promptloom-plugin.json', () => {
	it('fills defaults for what a minimal manifest leaves out', () => {
		expect(parseManifest(JSON.stringify(base))).toMatchObject({
			description: '',
			contributes: { scorers: [{ name: 'tone', description: '', examples: [] }], exporters: [] },
			permissions: { hosts: [], apiKey: false },
			limits: { timeoutMs: 1000, memoryMb: 32 }
		});
	});

	it('names every problem with its JSON path', () => {
		expect(
			issues({ ...base, id: 'House Style', version: 'v1', extra: 1, limits: { timeoutMs: 60000 } })
		).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ path: 'id' }),
				expect.objectContaining({ path: 'version', message: 'a semantic version such as 1.0.0' }),
				expect.objectContaining({ path: '(manifest)', message: expect.stringContaining('extra') }),
				expect.objectContaining({ path: 'limits.timeoutMs' })
			])
		);
	});

	it('refuses a manifest that contributes nothing, twice the same name, or a provider without hosts', () => {
		expect(issues({ ...base, contributes: {} })[0].message).toContain('at least one');
		expect(issues({ ...base, contributes: { scorers: [{ name: 'a' }, { name: 'a' }] } })).toEqual([
			{ path: 'contributes.scorers[1].name', message: '"a" is listed twice' }
		]);
		expect(issues({ ...base, contributes: { providers: [{ name: 'gw' }] } })).toEqual([
			{
				path: 'permissions.hosts',
				message: 'a provider needs at least one host it may send requests to'
			}
		]);
	});

	it('takes hosts only as host names, never URLs or patterns', () => {
		const hosts = (h: string[]) => issues({ ...base, permissions: { hosts: h } });
		expect(hosts(['api.example.com', 'localhost:8080'])).toEqual([]);
		for (const bad of ['https://api.example.com', '*.example.com', 'api.example.com/v1', ''])
			expect(hosts([bad]).length, bad).toBe(1);
	});

	it('reads plugin:<id>/<name> references and describes permissions as sentences', () => {
		expect(parsePluginRef('plugin:house-style/tone')).toEqual({
			pluginId: 'house-style',
			name: 'tone'
		});
		expect(parsePluginRef('plugin:house-style')).toBeNull();
		expect(parsePluginRef('contains')).toBeNull();
		const m = parseManifest(
			JSON.stringify({
				...base,
				contributes: { providers: [{ name: 'gw' }] },
				permissions: { hosts: ['llm.example.com'], apiKey: true }
			})
		);
		expect(describePermissions(m)).toEqual([
			'send model requests to llm.example.com',
			'see the API key you grant to its provider'
		]);
	});
});
