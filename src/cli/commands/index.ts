import type { CliCommand } from '../types';

/** Every command the CLI offers, in the order `--help` lists them. */
export const commands: CliCommand[] = [];
