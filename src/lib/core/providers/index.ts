/** @module Public surface of the LLM providers: create, chat, count tokens, price, keep keys. */
export * from './types';
export * from './errors';
export * from './model-spec';
export * from './tokens';
export * from './prices';
export * from './retry';
export * from './create';
export * from './key-vault';
export { SseParser, NdjsonParser, LineSplitter, type SseEvent } from './stream-parse';
