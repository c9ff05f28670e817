/** @module What the API's route modules share. */
import type { RelayCollab } from '../collab/service';
import type { RelayConfig } from '../config';
import type { RateLimiter } from './auth';
import type { ApiConfig } from './config';
import type { ApiKeyStore } from './keys';
import type { PromptService } from './prompts';

export interface ApiContext {
	prompts: PromptService;
	keys: ApiKeyStore;
	limiter: RateLimiter;
	collab: RelayCollab;
	secret: Uint8Array;
	relayConfig: RelayConfig;
	config: ApiConfig;
	maxBodyBytes: number;
}
