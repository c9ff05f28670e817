/**
 * @module Version control of prompts: hashing, storage contract (in memory and in Dexie), diff,
 * merge, graph, the service, and the app's view joining a prompt's working copy to its history.
 */
export * from './canonical';
export * from './store';
export * from './memory-store';
export * from './text-diff';
export * from './token-diff';
export * from './metadata';
export * from './merge';
export * from './prompt-diff';
export * from './graph';
export * from './service';
export * from './working-copy';
export * from './prompt-vcs';
