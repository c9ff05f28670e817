import type { CliCommand } from '../types';
import { validateCommand } from './validate';
import { convertCommand } from './convert';
import { relayCommand } from './relay';
import { renderCommand } from './render';
import { evalCommand } from './eval';
import { runCommand } from './run';
import { searchCommand } from './search';
import { scanCommand } from './scan';
import { redactCommand } from './redact';
import { importCommand } from './import';
import { exportCommand } from './export';
import { pullCommand } from './pull';
import { statusCommand } from './status';
import { diffCommand } from './diff';
import { pushCommand } from './push';
import { lspCommand } from './lsp';
import { pluginCommand } from './plugin';

/** Every command the CLI offers, in the order `--help` lists them. */
export const commands: CliCommand[] = [
	validateCommand,
	convertCommand,
	relayCommand,
	renderCommand,
	runCommand,
	evalCommand,
	searchCommand,
	scanCommand,
	redactCommand,
	importCommand,
	exportCommand,
	pullCommand,
	statusCommand,
	diffCommand,
	pushCommand,
	lspCommand,
	pluginCommand
];
