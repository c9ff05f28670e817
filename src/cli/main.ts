/** @module Entry point of `npx promptloom`. */
import { commands } from './commands/index';
import type { CliIO } from './types';

function helpText(): string {
	const width = Math.max(...commands.map((c) => c.name.length), 8);
	return [
		'Usage: promptloom <command> [options]',
		'',
		'Promptloom: a local-first prompt engineering workbench.',
		'',
		'Commands:',
		...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Run `promptloom <command> --help` for the options of a command.',
		''
	].join('\n');
}

/** All of the process's standard input as UTF-8 text. */
async function readProcessStdin(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
	const cliIO: CliIO = {
		stdout: io?.stdout ?? ((t) => process.stdout.write(t)),
		stderr: io?.stderr ?? ((t) => process.stderr.write(t)),
		cwd: io?.cwd ?? process.cwd(),
		env: io?.env ?? process.env,
		stdin: io?.stdin ?? readProcessStdin
	};
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		cliIO.stdout(helpText());
		return 0;
	}
	if (name === '--version' || name === '-v') {
		cliIO.stdout('0.1.0\n');
		return 0;
	}
	const entry = commands.find((c) => c.name === name);
	if (!entry) {
		cliIO.stderr(`promptloom: unknown command "${name}"\n\n${helpText()}`);
		return 2;
	}
	const command = await entry.load();
	if (rest.includes('--help') || rest.includes('-h')) {
		cliIO.stdout(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
		return 0;
	}
	try {
		return await command.run(rest, cliIO);
	} catch (e) {
		cliIO.stderr(`promptloom ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
}
