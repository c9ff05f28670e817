/** @module Safe Jinja templates: parse, lint, variables, composition, rendering (in workers), trace and chat helpers. */
export * from './types';
export { TemplateError, serializeError, deserializeError, type SerializedError } from './errors';
export { parseTemplate, type ParsedTemplate, type ParseOptions } from './parse';
export { checkTemplate } from './lint';
export { extractVariables, analyzeVariables } from './variables';
export { resolveIncludes, includeKey, describeRef, type ResolveIncludesOptions } from './includes';
export { renderRequest, renderWithTrace, effectiveLimits } from './render';
export { fewShotText, fewShotMessages, findFewShotSet, type FewShotTextOptions } from './fewshot';
export {
	startConversation,
	continueConversation,
	appendAssistantReply,
	windowConversation
} from './conversation';
export { createWorkerRenderer, type Renderer } from './renderer';
export { handleRenderMessage } from './render-handler';
// Platform renderers are imported from their own files: './renderer.node.ts' (Node) and
// './web-renderer' (browser), so neither platform bundles the other's worker code.
