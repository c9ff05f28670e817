/** @module The playground: render with trace, run against several models side by side, run history. */
export * from './types';
export {
	PlaygroundService,
	MAX_COLUMNS,
	type PlaygroundPrompt,
	type PlaygroundServiceOptions,
	type RenderInput
} from './playground-service';
export { PlaygroundRunStore, MAX_RUNS_PER_PROMPT } from './run-store';
export { libraryIncludeResolver, type IncludeSources } from './include-resolver';
export { columnError } from './column-error';
