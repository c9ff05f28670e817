/**
 * `npm run build:vscode` packages the VS Code extension into a .vsix that VS Code can install:
 * the archive holds the manifest, the bundled client and both grammars; the manifest registers
 * the two file types, their grammars and the preview command; the bundle leaves `vscode` to the
 * editor and carries the language client itself.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The entries of a zip archive (central directory), with their data inflated. */
function readZip(buf: Buffer): Map<string, Buffer> {
	const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
	if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
	const count = buf.readUInt16LE(eocd + 10);
	let at = buf.readUInt32LE(eocd + 16);
	const out = new Map<string, Buffer>();
	for (let i = 0; i < count; i++) {
		if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
		const method = buf.readUInt16LE(at + 10);
		const size = buf.readUInt32LE(at + 20);
		const nameLen = buf.readUInt16LE(at + 28);
		const extraLen = buf.readUInt16LE(at + 30);
		const commentLen = buf.readUInt16LE(at + 32);
		const local = buf.readUInt32LE(at + 42);
		const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
		const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
		const raw = buf.subarray(dataAt, dataAt + size);
		out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
		at += 46 + nameLen + extraLen + commentLen;
	}
	return out;
}

describe('the VS Code extension package', () => {
	it('builds a .vsix with the manifest, the bundled client and the grammars', () => {
		const build = spawnSync('npm', ['run', 'build:vscode'], { encoding: 'utf8', timeout: 240_000 });
		expect(build.status, build.stderr + build.stdout).toBe(0);
		const zip = readZip(readFileSync('editors/vscode/promptloom.vsix'));
		for (const f of [
			'extension.vsixmanifest',
			'extension/package.json',
			'extension/out/extension.js',
			'extension/language-configuration.json',
			'extension/syntaxes/prompty.tmLanguage.json',
			'extension/syntaxes/dotprompt.tmLanguage.json'
		])
			expect([...zip.keys()]).toContain(f);

		const manifest = JSON.parse(zip.get('extension/package.json')!.toString('utf8'));
		expect(manifest.main).toBe('./out/extension.js');
		expect(
			manifest.contributes.languages.map((l: { id: string; extensions: string[] }) => [
				l.id,
				l.extensions
			])
		).toEqual([
			['prompty', ['.prompty']],
			['dotprompt', ['.prompt']]
		]);
		for (const g of manifest.contributes.grammars as Array<{ path: string; scopeName: string }>) {
			const grammar = JSON.parse(
				zip.get(`extension/${g.path.replace(/^\.\//, '')}`)!.toString('utf8')
			);
			expect(grammar.scopeName).toBe(g.scopeName);
		}
		expect(manifest.contributes.commands.map((c: { command: string }) => c.command)).toContain(
			'promptloom.renderPreview'
		);

		const bundle = zip.get('extension/out/extension.js')!.toString('utf8');
		expect(bundle).toMatch(/require\(["']vscode["']\)/);
		expect(bundle).toContain('promptloom/renderPreview');
		expect(bundle).toContain('class BaseLanguageClient');
	}, 300_000);
});
