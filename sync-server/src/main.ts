/** @module Standalone entry: `node --import tsx sync-server/src/main.ts --port <p> --data <dir>`. */
import { runRelayCli } from './cli';

process.exitCode = await runRelayCli(process.argv.slice(2), {
	stdout: (t) => process.stdout.write(t),
	stderr: (t) => process.stderr.write(t)
});
