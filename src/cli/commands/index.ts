/** @module The CLI's commands by name and summary; each command's module is imported only when it runs (so `--help` and `relay` load nothing else). */
import type { CliCommand } from '../types';

export interface CommandEntry {
	name: string;
	/** One line for `promptloom --help` (the command's own `summary`, checked by a test). */
	summary: string;
	load(): Promise<CliCommand>;
}

/** Every command the CLI offers, in the order `--help` lists them. */
export const commands: CommandEntry[] = [
	{
		name: 'validate',
		summary: 'Check a library backup file (JSON or YAML) without importing it',
		load: async () => (await import('./validate')).validateCommand
	},
	{
		name: 'convert',
		summary: 'Convert a library file between JSON and YAML (validated first)',
		load: async () => (await import('./convert')).convertCommand
	},
	{
		name: 'relay',
		summary: 'Run the sync relay, or print an access token for it (relay token ...)',
		load: async () => (await import('./relay')).relayCommand
	},
	{
		name: 'render',
		summary: 'Render a Jinja prompt template with variables (safely, in a worker)',
		load: async () => (await import('./render')).renderCommand
	},
	{
		name: 'run',
		summary: 'Render a prompt and send it to a model (prints the answer, usage and cost)',
		load: async () => (await import('./run')).runCommand
	},
	{
		name: 'eval',
		summary: 'Run a promptfoo-style evaluation config (prompts × providers × tests)',
		load: async () => (await import('./eval')).evalCommand
	},
	{
		name: 'search',
		summary: 'Search a library file by meaning (semantic or hybrid) with the bundled model',
		load: async () => (await import('./search')).searchCommand
	},
	{
		name: 'scan',
		summary: 'Find prompt injection, jailbreaks, PII, secrets and unsafe content',
		load: async () => (await import('./scan')).scanCommand
	},
	{
		name: 'redact',
		summary: 'Replace PII and secrets in text with placeholders like <EMAIL_1>',
		load: async () => (await import('./redact')).redactCommand
	},
	{
		name: 'import',
		summary: 'Import Prompty, Dotprompt and Langfuse files into a library file or prompt folder',
		load: async () => (await import('./import')).importCommand
	},
	{
		name: 'export',
		summary: 'Export a library as Prompty, Dotprompt or Langfuse files',
		load: async () => (await import('./export')).exportCommand
	},
	{
		name: 'pull',
		summary: "Write a workspace's prompts as .prompty files (merging local edits)",
		load: async () => (await import('./pull')).pullCommand
	},
	{
		name: 'status',
		summary: 'List prompt files changed here and on the relay since the pull',
		load: async () => (await import('./status')).statusCommand
	},
	{
		name: 'diff',
		summary: 'Show line diffs of changed prompt files against the pulled version',
		load: async () => (await import('./diff')).diffCommand
	},
	{
		name: 'push',
		summary: 'Commit changed prompt files as new versions on the relay (three-way merge)',
		load: async () => (await import('./push')).pushCommand
	},
	{
		name: 'lsp',
		summary: 'Language server for .prompty and .prompt files (LSP over stdio)',
		load: async () => (await import('./lsp')).lspCommand
	},
	{
		name: 'plugin',
		summary: 'Scaffold (init) or check a plugin',
		load: async () => (await import('./plugin')).pluginCommand
	}
];
