/** @module Browser JsSandbox: custom scorers in the WebAssembly sandbox, inside a Web Worker. */
import { ScorerSandbox } from './js-sandbox';
import { WorkerSandbox, type WorkerSandboxOptions } from '../../sandbox/sandbox.web';

/** Scorer code in a fresh QuickJS context per call, in the sandbox worker. */
export class WorkerJsSandbox extends ScorerSandbox {
	constructor(options: WorkerSandboxOptions = {}) {
		super(new WorkerSandbox(options));
	}
}
