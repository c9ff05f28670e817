/** @module `promptloom relay`: runs the sync relay or prints an access token for it. */
import { RELAY_USAGE, runRelayCli } from '../../../sync-server/src/cli';
import type { CliCommand } from '../types';

export const relayCommand: CliCommand = {
	name: 'relay',
	summary: 'Run the sync relay, or print an access token for it (relay token ...)',
	usage: RELAY_USAGE,
	run: (args, io) => runRelayCli(args, { stdout: io.stdout, stderr: io.stderr })
};
