/**
 * @module The one sandbox for untrusted JavaScript (custom scorers now, plugins later): QuickJS in
 * WebAssembly, a fresh runtime per job, JSON in and out, time, memory and stack limits. This entry
 * is platform-neutral; run jobs with `runInSandbox` / `InProcessSandbox` from `sandbox.node.ts`
 * (Node) or `WorkerSandbox` from `sandbox.web.ts` (browser, in a Web Worker).
 */
export * from './sandbox';
export { createSandboxEngine, type SandboxEngine, type SandboxEngineOptions } from './engine';
