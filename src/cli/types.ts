/** @module The contract every `promptloom <command>` implements. */

export interface CliIO {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	cwd: string;
	env: Record<string, string | undefined>;
	/** Reads all of standard input (for a file argument of `-`); absent: none given. */
	stdin?: () => Promise<string>;
}

export interface CliCommand {
	name: string;
	/** One line for `promptloom --help`. */
	summary: string;
	/** Full usage text for `promptloom <command> --help`. */
	usage: string;
	/** Returns the process exit code. */
	run(args: string[], io: CliIO): Promise<number>;
}
