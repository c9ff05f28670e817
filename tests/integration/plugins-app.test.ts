/** Plugins in the app's core: installed from files after a preview of permissions, enabled, used, updated, removed. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCORERS } from '../../src/lib/core/eval/scorers/registry';
import type { AppCore } from '../../src/lib/core/app-core';
import { nodeModuleSessions } from '../../src/lib/core/sandbox/session.node.ts';
import { openTestCore } from '../support/core';

const EXAMPLES = resolve(import.meta.dirname, '../../plugins/examples');

async function files(name: string) {
	const dir = join(EXAMPLES, name);
	const manifestText = await readFile(join(dir, 'promptloom-plugin.json'), 'utf8');
	return {
		manifestText,
		code: await readFile(join(dir, 'plugin.js'), 'utf8'),
		source: `${name}.zip`
	};
}

let core: AppCore;
beforeEach(async () => {
	core = await openTestCore({ pluginSessions: nodeModuleSessions });
});
afterEach(async () => {
	await core.close();
});

describe('plugins in the app', () => {
	it('shows what a plugin asks for before installing, and installs it disabled', async () => {
		const preview = await core.plugins.preview(await files('reading-level'));
		expect(preview.manifest.id).toBe('reading-level');
		expect(preview.permissions).toEqual([
			'no network access and no API keys (runs on the data it is given)'
		]);
		expect(preview.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(preview.replaces).toBeNull();
		const installed = await core.plugins.install(await files('reading-level'));
		expect(installed).toMatchObject({
			id: 'reading-level',
			enabled: false,
			sha256: preview.sha256,
			contributions: ['scorer flesch', 'lint rule banned-phrases']
		});
		expect(await core.plugins.list()).toHaveLength(1);
		expect(SCORERS.has('plugin:reading-level/flesch')).toBe(false);
	});

	it('registers the scorers, runs the lint rules and offers the exporters of enabled plugins only', async () => {
		await core.plugins.install(await files('reading-level'), { enable: true });
		await core.plugins.install(await files('deploy-yaml'), { enable: true });
		await core.plugins.active();
		expect(SCORERS.has('plugin:reading-level/flesch')).toBe(true);
		const findings = await core.plugins.lint({
			type: 'text',
			content: 'Please delve into the topic.',
			messages: []
		});
		expect(findings).toEqual([
			expect.objectContaining({
				ruleId: 'plugin:reading-level/banned-phrases',
				severity: 'warning',
				message: '"delve into" is a banned phrase',
				span: { message: null, start: 7, end: 17, text: 'delve into' }
			})
		]);
		expect(await core.plugins.exporters()).toEqual([
			{ ref: 'plugin:deploy-yaml/yaml', title: 'Deployment YAML', pluginName: 'Deployment YAML' }
		]);
		await core.library.createPrompt({ name: 'greet', content: 'Hello {{ name }}' });
		const out = await core.plugins.exportLibrary('plugin:deploy-yaml/yaml');
		expect(out).toEqual([
			{ path: 'prompts/root.yaml', text: expect.stringContaining('  - name: "greet"\n') }
		]);

		await core.plugins.setEnabled('reading-level', false);
		await core.plugins.active();
		expect(SCORERS.has('plugin:reading-level/flesch')).toBe(false);
		expect(await core.plugins.lint({ type: 'text', content: 'delve into', messages: [] })).toEqual(
			[]
		);
	});

	it('updates a plugin to a new version (new SHA-256) and removes it', async () => {
		const first = await core.plugins.install(await files('deploy-yaml'), { enable: true });
		const next = await files('deploy-yaml');
		next.manifestText = next.manifestText.replace('"version": "1.0.0"', '"version": "1.1.0"');
		expect((await core.plugins.preview(next)).replaces).toBe('1.0.0');
		const updated = await core.plugins.install(next);
		expect(updated).toMatchObject({ version: '1.1.0', enabled: true });
		expect(updated.sha256).not.toBe(first.sha256);
		await core.plugins.remove('deploy-yaml');
		expect(await core.plugins.list()).toEqual([]);
		expect(await core.plugins.exporters()).toEqual([]);
	});

	it('refuses a plugin whose examples fail, saying which', async () => {
		const bad = await files('reading-level');
		bad.code = bad.code.replace('pass: ease >= min', 'pass: true');
		await expect(core.plugins.install(bad)).rejects.toThrow(
			/plugin reading-level did not pass its checks: scorers\/flesch example 2: expected \{"pass":false\}/
		);
		expect(await core.plugins.list()).toEqual([]);
	});

	it('installs from the URL of a manifest, fetching the module named beside it', async () => {
		const server = createServer((req, res) => {
			readFile(join(EXAMPLES, decodeURIComponent(req.url ?? '/')))
				.then((body) => res.end(body))
				.catch(() => {
					res.statusCode = 404;
					res.end();
				});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy-yaml/promptloom-plugin.json`;
			const fetched = await core.plugins.fetchFromUrl(url);
			expect(fetched.source).toBe(url);
			expect(fetched.code).toContain('export const exporters');
			expect(await core.plugins.install(fetched)).toMatchObject({ id: 'deploy-yaml', source: url });
			await expect(
				core.plugins.fetchFromUrl(url.replace('deploy-yaml', 'missing'))
			).rejects.toThrow(/answered HTTP 404/);
		} finally {
			server.close();
		}
	});
});
