/** @module Import/export formats: the whole-library backup file and sample data. */
export * from './issues';
export * from './library-schema';
export * from './library-file';
export * from './text-format';
export * from './version-schemas';
export * from './verify-versions';
export * from './sample-library';
export * from './demo-library';
export { createRng } from '../util/prng';
export type { Rng } from '../util/prng';
