/** @module A real LSP client for tests and benchmarks: `promptloom lsp --stdio` as a child process, spoken to with vscode-jsonrpc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
	StreamMessageReader,
	StreamMessageWriter,
	createMessageConnection,
	type MessageConnection
} from 'vscode-jsonrpc/node';

const BIN = fileURLToPath(new URL('../../bin/promptloom.js', import.meta.url));

export interface LspDiagnostic {
	range: { start: { line: number; character: number }; end: { line: number; character: number } };
	severity: number;
	message: string;
	source: string;
	code?: string;
}

export interface LspClient {
	connection: MessageConnection;
	child: ChildProcess;
	/** The next diagnostics published for `uri` (after the call). */
	nextDiagnostics(uri: string): Promise<LspDiagnostic[]>;
	open(uri: string, text: string, languageId?: string): void;
	change(uri: string, version: number, text: string): void;
	close(): Promise<void>;
}

/** Starts the server in `root`'s workspace and completes the initialize handshake. */
export async function startLspClient(rootUri: string): Promise<LspClient> {
	const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], {
		stdio: ['pipe', 'pipe', 'pipe']
	});
	const connection = createMessageConnection(
		new StreamMessageReader(child.stdout!),
		new StreamMessageWriter(child.stdin!)
	);
	const waiting = new Map<string, Array<(d: LspDiagnostic[]) => void>>();
	connection.onNotification(
		'textDocument/publishDiagnostics',
		(p: { uri: string; diagnostics: LspDiagnostic[] }) => {
			const list = waiting.get(p.uri) ?? [];
			waiting.delete(p.uri);
			for (const resolve of list) resolve(p.diagnostics);
		}
	);
	connection.listen();
	await connection.sendRequest('initialize', {
		processId: process.pid,
		rootUri,
		workspaceFolders: [{ uri: rootUri, name: 'prompts' }],
		capabilities: {}
	});
	await connection.sendNotification('initialized', {});
	return {
		connection,
		child,
		nextDiagnostics(uri) {
			return new Promise((resolve) => {
				const list = waiting.get(uri) ?? [];
				list.push(resolve);
				waiting.set(uri, list);
			});
		},
		open(uri, text, languageId = 'prompty') {
			void connection.sendNotification('textDocument/didOpen', {
				textDocument: { uri, languageId, version: 1, text }
			});
		},
		change(uri, version, text) {
			void connection.sendNotification('textDocument/didChange', {
				textDocument: { uri, version },
				contentChanges: [{ text }]
			});
		},
		async close() {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			try {
				await connection.sendRequest('shutdown');
				await connection.sendNotification('exit');
			} catch {
				child.kill();
			}
			await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
			connection.dispose();
			if (child.exitCode === null) child.kill();
		}
	};
}
