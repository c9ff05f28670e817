/**
 * @module The VS Code extension: starts `promptloom lsp --stdio` for .prompty and .prompt files
 * and adds "Promptloom: Render preview" (the server renders the prompt with its sample values).
 * Everything else (diagnostics, completion, hover, definition, outline) is the server's.
 */
import * as vscode from 'vscode';
import {
	LanguageClient,
	TransportKind,
	type LanguageClientOptions,
	type ServerOptions
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
	const [command, ...args] = vscode.workspace
		.getConfiguration('promptloom')
		.get<string[]>('server.command', ['npx', 'promptloom', 'lsp', '--stdio']);
	const serverOptions: ServerOptions = {
		command,
		args,
		transport: TransportKind.stdio,
		options: {
			cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
			shell: process.platform === 'win32'
		}
	};
	const clientOptions: LanguageClientOptions = {
		documentSelector: [
			{ scheme: 'file', language: 'prompty' },
			{ scheme: 'file', language: 'dotprompt' },
			{ scheme: 'untitled', language: 'prompty' }
		]
	};
	client = new LanguageClient('promptloom', 'Promptloom', serverOptions, clientOptions);
	await client.start();

	const output = vscode.window.createOutputChannel('Promptloom preview');
	context.subscriptions.push(
		output,
		vscode.commands.registerCommand('promptloom.renderPreview', async () => {
			const editor = vscode.window.activeTextEditor;
			if (!editor || !client) return;
			const result = (await client.sendRequest('promptloom/renderPreview', {
				uri: editor.document.uri.toString()
			})) as { ok: true; text: string } | { ok: false; error: string };
			output.clear();
			output.appendLine(result.ok ? result.text : `Cannot render: ${result.error}`);
			output.show(true);
		})
	);
}

export async function deactivate(): Promise<void> {
	await client?.stop();
}
