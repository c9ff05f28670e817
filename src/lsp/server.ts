/**
 * @module `promptloom lsp --stdio`: the Language Server Protocol for `.prompty` and `.prompt`
 * files over standard input and output (vscode-languageserver). The analysis is the core's
 * (`core/lsp/analysis.ts`); this file keeps the open documents and the workspace's prompt index
 * (every prompt file under the workspace folders, by name) and answers the requests.
 * WARNING: standard output carries the protocol; nothing else may be written to it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
	StreamMessageReader,
	StreamMessageWriter,
	TextDocumentSyncKind,
	TextDocuments,
	createConnection,
	type CompletionItem,
	type Connection,
	type DocumentSymbol
} from 'vscode-languageserver/node';
import {
	analyze,
	completions,
	definition,
	diagnostics,
	hover,
	includeSource,
	promptNameOfFile,
	renderPreview,
	symbols,
	type AnalyzedDocument,
	type PromptIndex
} from '../lib/core/lsp/analysis';
import { walk } from '../cli/files-io';

/** The request the VS Code extension's "Render preview" command sends. */
export const RENDER_PREVIEW = 'promptloom/renderPreview';

const isPromptFile = (path: string) => /\.(prompty|prompt)$/i.test(path);

/** Prompt files of the workspace folders, by prompt name; open documents win over the disk. */
class WorkspaceIndex implements PromptIndex {
	readonly #files = new Map<string, string>();
	constructor(private readonly documents: TextDocuments<TextDocument>) {}

	async scan(roots: string[]): Promise<void> {
		for (const root of roots)
			for (const path of await walk(root, { skipDot: true }))
				if (isPromptFile(path)) this.add(pathToFileURL(join(root, path)).toString());
	}

	add(uri: string): void {
		const name = promptNameOfFile(decodeURIComponent(uri));
		if (name && !this.#files.has(name)) this.#files.set(name, uri);
	}

	has(name: string): boolean {
		return this.#files.has(name);
	}
	names(): string[] {
		return [...this.#files.keys()].sort();
	}
	uri(name: string): string | undefined {
		return this.#files.get(name);
	}
	async source(name: string): Promise<string | null> {
		const uri = this.#files.get(name);
		if (!uri) return null;
		const open = this.documents.get(uri);
		try {
			const text = open?.getText() ?? (await readFile(fileURLToPath(uri), 'utf8'));
			return includeSource(uri, text);
		} catch {
			return null;
		}
	}
}

/** Starts the server on `input`/`output`; resolves when the client exits. */
export function startLanguageServer(
	input: Readable,
	output: Writable
): { connection: Connection; done: Promise<void> } {
	const connection = createConnection(
		new StreamMessageReader(input),
		new StreamMessageWriter(output)
	);
	const documents = new TextDocuments(TextDocument);
	const index = new WorkspaceIndex(documents);
	const analyzed = new Map<string, { version: number; doc: AnalyzedDocument }>();
	const analysis = (td: TextDocument): AnalyzedDocument => {
		const hit = analyzed.get(td.uri);
		if (hit && hit.version === td.version) return hit.doc;
		const doc = analyze(td.uri, td.getText());
		analyzed.set(td.uri, { version: td.version, doc });
		return doc;
	};
	let ready: Promise<void> = Promise.resolve();

	connection.onInitialize((params) => {
		const roots = (
			params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : [])
		)
			.filter((u) => u.startsWith('file:'))
			.map((u) => fileURLToPath(u));
		ready = index.scan(roots).catch(() => undefined);
		return {
			capabilities: {
				textDocumentSync: TextDocumentSyncKind.Incremental,
				completionProvider: { triggerCharacters: ['{', ' ', '|', '"', "'", '%'] },
				hoverProvider: true,
				definitionProvider: true,
				documentSymbolProvider: true,
				executeCommandProvider: { commands: [] }
			},
			serverInfo: { name: 'promptloom', version: '0.1.0' }
		};
	});

	const publish = async (td: TextDocument) => {
		await ready;
		const doc = analysis(td);
		connection.sendDiagnostics({
			uri: td.uri,
			version: td.version,
			diagnostics: diagnostics(doc, index)
		});
	};
	documents.onDidOpen((e) => index.add(e.document.uri));
	documents.onDidChangeContent((e) => void publish(e.document));
	documents.onDidClose((e) => {
		analyzed.delete(e.document.uri);
		connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
	});

	const withDoc = <T>(uri: string, f: (doc: AnalyzedDocument) => T): T | null => {
		const td = documents.get(uri);
		return td ? f(analysis(td)) : null;
	};
	connection.onCompletion(async (p) => {
		await ready;
		// The core's item and symbol kinds are the protocol's numbers.
		return (withDoc(p.textDocument.uri, (doc) => completions(doc, p.position, index)) ??
			[]) as CompletionItem[];
	});
	connection.onHover(async (p) => {
		await ready;
		const r = await withDoc(p.textDocument.uri, (doc) => hover(doc, p.position, index));
		return r ? { contents: { kind: 'markdown', value: r.contents }, range: r.range } : null;
	});
	connection.onDefinition(async (p) => {
		await ready;
		return withDoc(p.textDocument.uri, (doc) => definition(doc, p.position, index));
	});
	connection.onDocumentSymbol(
		(p) => (withDoc(p.textDocument.uri, (doc) => symbols(doc)) ?? []) as DocumentSymbol[]
	);
	connection.onRequest(RENDER_PREVIEW, async (p: { uri: string }) => {
		await ready;
		const r = await withDoc(p.uri, (doc) => renderPreview(doc, index));
		return r ?? { ok: false, error: `${p.uri} is not open` };
	});

	documents.listen(connection);
	const done = new Promise<void>((resolve) => connection.onExit(() => resolve()));
	connection.listen();
	return { connection, done };
}
