/** @module Version control of prompts: hashing, storage contract, diff, merge, graph, service. */
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
