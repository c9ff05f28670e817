/** @module `promptloom lsp --stdio`: the language server for prompt files (VS Code, JetBrains via LSP4IJ, Neovim). */
import { startLanguageServer } from '../../lsp/server';
import type { CliCommand } from '../types';

const USAGE = `Usage: promptloom lsp --stdio

Runs the language server for .prompty and .prompt (Dotprompt) files, speaking the Language
Server Protocol over standard input and output. Editors start it themselves:

  VS Code     the extension in editors/vscode (npm run build:vscode makes the .vsix)
  JetBrains   LSP4IJ: a new language server with the command "npx promptloom lsp --stdio",
              mapped to the file name patterns *.prompty and *.prompt
  Neovim      vim.lsp.start({ name = "promptloom", cmd = { "npx", "promptloom", "lsp", "--stdio" },
              root_dir = vim.fs.root(0, { ".git", ".promptloom" }) }) for those file types

It offers diagnostics (front matter, template syntax with exact ranges, unknown includes, the
prompt lint rules, the security scanner), completion (variables, filters, include names,
front-matter keys), hover (a variable's kind, a preview rendered with the sample values),
go to definition of includes, and the messages as document symbols.

Exit status:
  0  the client asked the server to exit
  2  usage error (only --stdio is supported)
`;

export const lspCommand: CliCommand = {
	name: 'lsp',
	summary: 'Language server for .prompty and .prompt files (LSP over stdio)',
	usage: USAGE,
	async run(args, io) {
		if (args.length !== 1 || args[0] !== '--stdio') {
			io.stderr(`promptloom lsp: give --stdio (the only transport)\n\n${USAGE}`);
			return 2;
		}
		const { done } = startLanguageServer(process.stdin, process.stdout);
		await done;
		return 0;
	}
};
