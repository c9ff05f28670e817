/**
 * `promptloom lsp --stdio` driven by a real LSP client (vscode-jsonrpc) over standard input and
 * output: diagnostics at the right range, completion, hover preview, definition, symbols, and a
 * change that clears the diagnostic.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLspClient, type LspClient } from '../support/lsp-client';

let dir = '';
let client: LspClient;
const uri = (p: string) => pathToFileURL(join(dir, p)).toString();

const GOOD = `---
name: greet
model:
  api: chat
sample:
  name: Ana
  city: Lisbon
---

system:
You are a guide to {{ city }}.

user:
Hello, I am {{ name }}. {{ include("signature") }}
`;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'promptloom-lsp-'));
	await mkdir(join(dir, 'shared'));
	await writeFile(
		join(dir, 'shared', 'signature.prompty'),
		'---\nmodel:\n  api: completion\n---\n-- sent by {{ name }}\n'
	);
	await writeFile(join(dir, 'greet.prompty'), GOOD);
	client = await startLspClient(pathToFileURL(dir).toString());
}, 30_000);

afterAll(async () => {
	await client?.close();
	await rm(dir, { recursive: true, force: true });
});

describe('promptloom lsp over stdio', () => {
	it('reports a template syntax error at its range, and a change clears it', async () => {
		const file = uri('greet.prompty');
		const broken = GOOD.replace('{{ city }}.', '{{ city .');
		const first = client.nextDiagnostics(file);
		client.open(file, broken);
		const errors = (await first).filter((d) => d.severity === 1);
		expect(errors).toHaveLength(1);
		expect(errors[0].message).toMatch(/^template: /);
		expect(errors[0].range.start.line).toBe(10);
		const fixed = client.nextDiagnostics(file);
		client.change(file, 2, GOOD);
		expect((await fixed).filter((d) => d.severity === 1)).toEqual([]);
	});

	it('reports an unknown include and bad front matter where they are', async () => {
		const file = uri('other.prompty');
		const d = client.nextDiagnostics(file);
		client.open(
			file,
			'---\nmodel:\n  parameters:\n    temperature: 9\n---\nHi {{ include("nope") }}\n'
		);
		const list = await d;
		expect(list).toContainEqual(
			expect.objectContaining({
				severity: 1,
				message: 'temperature must be a number from 0 to 2',
				range: { start: { line: 3, character: 17 }, end: { line: 3, character: 18 } }
			})
		);
		await client.connection.sendNotification('textDocument/didClose', {
			textDocument: { uri: file }
		});
	});

	it('completes the variables after "{{ ", filters after "|", include names, front-matter keys', async () => {
		const file = uri('greet.prompty');
		const at = async (line: number, character: number) =>
			(await client.connection.sendRequest('textDocument/completion', {
				textDocument: { uri: file },
				position: { line, character }
			})) as Array<{ label: string }>;
		const text = GOOD.replace('user:\n', 'user:\n{{ \n');
		const d = client.nextDiagnostics(file);
		client.change(file, 3, text);
		await d;
		const labels = (await at(13, 3)).map((i) => i.label);
		expect(labels).toEqual(expect.arrayContaining(['city', 'name']));
		const withPipe = text.replace('{{ \n', '{{ name | \n');
		const d2 = client.nextDiagnostics(file);
		client.change(file, 4, withPipe);
		await d2;
		expect((await at(13, 10)).map((i) => i.label)).toEqual(
			expect.arrayContaining(['json', 'trim', 'truncate_tokens'])
		);
		const inc = text.replace('{{ \n', '{{ include("\n');
		const d3 = client.nextDiagnostics(file);
		client.change(file, 5, inc);
		await d3;
		// Prompts of the workspace: the files on disk and the documents open in the editor.
		expect((await at(13, 12)).map((i) => i.label)).toEqual(
			expect.arrayContaining(['greet', 'signature'])
		);
		expect((await at(3, 2)).map((i) => i.label)).toEqual(['api', 'configuration', 'parameters']);
		expect((await at(1, 0)).map((i) => i.label)).toContain('description');
		const d4 = client.nextDiagnostics(file);
		client.change(file, 6, GOOD);
		await d4;
	});

	it('shows a variable kind and a preview rendered with the sample values on hover', async () => {
		const file = uri('greet.prompty');
		const h = (await client.connection.sendRequest('textDocument/hover', {
			textDocument: { uri: file },
			position: { line: 13, character: 16 }
		})) as { contents: { value: string } };
		expect(h.contents.value).toContain('**name** — variable (kind: text, required, sample: "Ana")');
		expect(h.contents.value).toContain('You are a guide to Lisbon.');
		expect(h.contents.value).toContain('Hello, I am Ana. -- sent by Ana');
	});

	it('goes to the definition of an include, and lists the messages as symbols', async () => {
		const file = uri('greet.prompty');
		const def = (await client.connection.sendRequest('textDocument/definition', {
			textDocument: { uri: file },
			position: { line: 13, character: 40 }
		})) as { uri: string };
		expect(def.uri).toBe(uri('shared/signature.prompty'));
		const syms = (await client.connection.sendRequest('textDocument/documentSymbol', {
			textDocument: { uri: file }
		})) as Array<{ name: string; range: { start: { line: number } } }>;
		expect(syms.map((s) => [s.name, s.range.start.line])).toEqual([
			['front matter', 0],
			['system', 9],
			['user', 12]
		]);
	});
});
