/** @module Node JsSandbox (CLI, tests): custom scorers in the WebAssembly sandbox, in-process. */
import { InProcessSandbox } from '../../sandbox/sandbox.node.ts';
import { ScorerSandbox } from './js-sandbox';

/** Scorer code in a fresh QuickJS context per call; each call blocks this thread up to its limit. */
export class NodeJsSandbox extends ScorerSandbox {
	constructor() {
		super(new InProcessSandbox());
	}
}
