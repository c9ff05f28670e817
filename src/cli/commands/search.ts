/** @module `promptloom search <library> --semantic "<query>"`: search a library file by meaning. */
import { parseArgs } from 'node:util';
import { validateLibrary } from '../../lib/core/io/library-file';
import { formatFromFileName } from '../../lib/core/io/text-format';
import { FullTextIndex } from '../../lib/core/search/full-text-index';
import { reciprocalRankFusion } from '../../lib/core/search/hybrid';
import { VectorIndex } from '../../lib/core/search/vector-index';
import { contentHash, embedText } from '../../lib/core/search/embeddings/embed-text';
import type { Embedder } from '../../lib/core/search/embeddings/embedder';
import type { CliCommand, CliIO } from '../types';
import { CliUsageError, printIssues, readTextFile, withUsageErrors } from './validate';

const USAGE = `Usage: promptloom search <library.json|library.yaml> --semantic "<query>" [options]

Finds the prompts of a library backup file that best match a query by meaning, with the
bundled embedding model (Universal Sentence Encoder lite, run locally on WebAssembly;
nothing leaves the machine).

Options:
  --semantic <query>  The query (required)
  --hybrid            Fuse full-text and semantic rankings (reciprocal rank fusion)
  --top <K>           Number of results (default 10)
  --json              Print a JSON array of {name, id, score} instead of lines
  -h, --help          Show this help

Output:
  <score>  <prompt name>      one line per result, best first

Exit status:
  0  results printed (possibly none)
  1  the library file cannot be read or is not a valid library
  2  usage error
`;

export interface SearchCommandOptions {
	/** Loads the embedder (tests pass one already loaded; default: the bundled model). */
	loadEmbedder?: () => Promise<Embedder>;
}

async function defaultEmbedder(): Promise<Embedder> {
	const { loadNodeUseLite } = await import('../../lib/core/search/embeddings/use-lite.node.ts');
	return loadNodeUseLite();
}

/** Creates the command; `options` lets tests share one loaded model. */
export function createSearchCommand(options: SearchCommandOptions = {}): CliCommand {
	const load = options.loadEmbedder ?? defaultEmbedder;
	return {
		name: 'search',
		summary: 'Search a library file by meaning (semantic or hybrid) with the bundled model',
		usage: USAGE,
		run: (args, io) => withUsageErrors('search', USAGE, io, () => runSearch(args, io, load))
	};
}

async function runSearch(
	args: string[],
	io: CliIO,
	load: () => Promise<Embedder>
): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		strict: true,
		options: {
			semantic: { type: 'string' },
			hybrid: { type: 'boolean', default: false },
			top: { type: 'string' },
			json: { type: 'boolean', default: false }
		}
	});
	if (positionals.length !== 1)
		throw new CliUsageError(
			positionals.length === 0
				? 'missing the library file\n\n' + USAGE
				: `expected one library file, got ${positionals.length}`
		);
	const query = values.semantic?.trim();
	if (!query) throw new CliUsageError('--semantic "<query>" is required and must not be empty');
	const top = values.top === undefined ? 10 : Number(values.top);
	if (!Number.isInteger(top) || top < 1)
		throw new CliUsageError(`--top must be a positive integer, got "${values.top}"`);

	const file = positionals[0];
	let text: string;
	try {
		text = await readTextFile(io, file);
	} catch (e) {
		if (!(e instanceof CliUsageError)) throw e;
		io.stderr(`promptloom search: ${e.message}\n`);
		return 1;
	}
	const parsed = validateLibrary(text, formatFromFileName(file) ?? 'auto');
	if (!parsed.ok) {
		printIssues(io, file, parsed.errors);
		return 1;
	}
	const prompts = parsed.library.prompts.filter((p) => p.deletedAt === null);
	const embedder = await load();
	try {
		const texts = prompts.map((p) => embedText(p));
		const vectors = await embedder.embed([query, ...texts]);
		const index = new VectorIndex(embedder.id, embedder.dims);
		for (let i = 0; i < prompts.length; i++)
			index.set(prompts[i].id, await contentHash(texts[i]), vectors[i + 1]);
		const semantic = index.search(vectors[0], { k: values.hybrid ? Math.max(50, top * 3) : top });
		const names = new Map(prompts.map((p) => [p.id, p.name]));
		let results: { id: string; score: number }[] = semantic;
		if (values.hybrid) {
			const fullText = new FullTextIndex();
			fullText.rebuild(prompts, parsed.library.folders);
			const lexical = fullText.search(query, {}, Math.max(50, top * 3)).map((h) => h.id);
			results = reciprocalRankFusion([lexical, semantic.map((h) => h.id)]).slice(0, top);
		}
		const rows = results.map((r) => ({ name: names.get(r.id)!, id: r.id, score: r.score }));
		if (values.json) io.stdout(JSON.stringify(rows, null, 2) + '\n');
		else for (const r of rows) io.stdout(`${r.score.toFixed(4)}  ${r.name}\n`);
		return 0;
	} finally {
		embedder.dispose?.();
	}
}

export const searchCommand = createSearchCommand();
