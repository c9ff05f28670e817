// Builds the CLI (and the relay it starts) into dist/cli/ as plain JavaScript, so
// `promptloom` starts without compiling TypeScript at run time. Run by `npm ci` (prepare).
// Each command is its own chunk (commands load on demand); packages stay in node_modules.
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = process.argv[2] ? join(process.cwd(), process.argv[2]) : join(root, 'dist/cli');

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
	absWorkingDir: root,
	entryPoints: {
		main: 'src/cli/main.ts',
		// Spawned by the Node renderer from beside its own chunk (see renderer.node.ts).
		'render-worker.node': 'src/lib/core/template/render-worker.node.ts'
	},
	outdir,
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	packages: 'external',
	entryNames: '[name]',
	chunkNames: '[name]-[hash]',
	sourcemap: 'linked',
	metafile: true,
	logLevel: 'warning'
});
// The bin runs this build only while none of its sources changed after it was made.
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/'));
await writeFile(
	join(outdir, 'build.json'),
	JSON.stringify({ builtAt: started, inputs: inputs.map((p) => relative(root, join(root, p))) })
);
console.log(`promptloom CLI built into ${relative(root, outdir) || '.'} in ${Date.now() - started} ms`);
