/**
 * @module `promptloom/client`: use prompts of a Promptloom workspace from an application.
 *
 * ```ts
 * import { PromptloomClient } from 'promptloom/client';
 * const loom = new PromptloomClient({ baseUrl: process.env.PROMPTLOOM_URL!, apiKey: process.env.PROMPTLOOM_KEY! });
 * const prompt = await loom.getPrompt('support-reply', { fallback: 'You are a helpful assistant.' });
 * const { output } = await loom.render(prompt, { customer: 'Ana' });
 * ```
 */
export {
	PromptloomClient,
	type GetPromptOptions,
	type Prompt,
	type PromptloomClientOptions,
	type RenderOptions
} from './client';
export {
	AuthenticationError,
	InvalidRequestError,
	NetworkError,
	NotFoundError,
	PermissionError,
	PromptloomApiError,
	PromptloomClientError,
	RateLimitError,
	RenderError
} from './errors';
export { verifyWebhookSignature } from './webhooks';
export type {
	ListPromptsResponse,
	Observation,
	PromptSummary,
	RenderResponse
} from '../lib/core/api/schemas';
export type { RenderResult, ChatMessage, FewShotSet } from '../lib/core/template/types';
