/**
 * @module The user's choice of embedding model (a device-local setting), validated, and turned
 * into what the embeddings worker loads: the bundled USE-lite, or a sentence-transformer ONNX
 * model from the app's own `/models/` folder, another URL, or the Hugging Face hub.
 */
import { PromptloomError } from '../../model/errors';
import type { TransformersOptions } from './transformers';

/** What the settings page stores. */
export type EmbedderSetting =
	| { kind: 'use-lite' }
	| {
			kind: 'transformers';
			/** Model id, e.g. `Xenova/all-MiniLM-L6-v2`: `<baseUrl><model>/` holds its files. */
			model: string;
			/** Folder of models: a path on the app's origin (`/models/`) or an http(s) URL. */
			baseUrl: string;
	  };

/** Which embedder the worker runs (wire format of the worker contract). */
export type ModelChoice =
	| { kind: 'use-lite' }
	| { kind: 'transformers'; options: Omit<TransformersOptions, 'fetch' | 'onProgress'> };

export const DEFAULT_EMBEDDER: EmbedderSetting = { kind: 'use-lite' };
/** Where the app serves models from its own origin (`static/models/` in the build). */
export const DEFAULT_MODEL_BASE = '/models/';
export const SUGGESTED_MODEL = 'Xenova/all-MiniLM-L6-v2';
/** Hosts that use the Hugging Face hub's `<model>/resolve/<revision>/<file>` layout. */
const HUB_HOSTS = new Set(['huggingface.co', 'hf.co']);
const MODEL_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

type TransformersSetting = Extract<EmbedderSetting, { kind: 'transformers' }>;

/** Checks a setting typed by the user; throws `validation` naming the field. */
export function validateEmbedderSetting(input: EmbedderSetting): EmbedderSetting {
	return input.kind === 'use-lite' ? { kind: 'use-lite' } : validateTransformers(input);
}

function validateTransformers(input: TransformersSetting): TransformersSetting {
	const model = input.model.trim();
	if (!MODEL_ID.test(model) || model.includes('..'))
		throw new PromptloomError(
			'validation',
			`Model id "${model}" is not valid: use "name" or "organization/name" (letters, digits, ".", "_", "-"), e.g. ${SUGGESTED_MODEL}`,
			{ path: 'model' }
		);
	let baseUrl = input.baseUrl.trim() || DEFAULT_MODEL_BASE;
	if (!baseUrl.endsWith('/')) baseUrl += '/';
	if (baseUrl.startsWith('/')) {
		if (baseUrl.startsWith('//') || baseUrl.includes('..'))
			throw new PromptloomError('validation', `Base URL "${baseUrl}" is not a folder of this app`, {
				path: 'baseUrl'
			});
	} else {
		let url: URL;
		try {
			url = new URL(baseUrl);
		} catch {
			throw new PromptloomError(
				'validation',
				`Base URL "${baseUrl}" is neither a path on this app (like /models/) nor an http(s) URL`,
				{ path: 'baseUrl' }
			);
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:')
			throw new PromptloomError(
				'validation',
				`Base URL must use http or https, not ${url.protocol}`,
				{
					path: 'baseUrl'
				}
			);
		if (url.search || url.hash)
			throw new PromptloomError('validation', 'Base URL must not have a query or fragment', {
				path: 'baseUrl'
			});
	}
	return { kind: 'transformers', model, baseUrl };
}

/** Reads a stored setting back; anything malformed means the default (never throws). */
export function parseEmbedderSetting(raw: string | null): EmbedderSetting {
	if (!raw) return DEFAULT_EMBEDDER;
	try {
		const v = JSON.parse(raw) as Partial<{ kind: string; model: unknown; baseUrl: unknown }>;
		if (v.kind === 'transformers' && typeof v.model === 'string' && typeof v.baseUrl === 'string')
			return validateEmbedderSetting({ kind: 'transformers', model: v.model, baseUrl: v.baseUrl });
	} catch {
		// fall through to the default
	}
	return DEFAULT_EMBEDDER;
}

/**
 * What the worker loads for `setting` on a page of `appOrigin`. Remote loading is switched on
 * only when the user chose a URL on another origin; the app's own folder is read as local files.
 */
export function modelChoiceFor(setting: EmbedderSetting, appOrigin: string): ModelChoice {
	if (setting.kind === 'use-lite') return { kind: 'use-lite' };
	const { model, baseUrl } = validateTransformers(setting);
	const url = new URL(baseUrl, appOrigin);
	if (url.origin === new URL(appOrigin).origin)
		return {
			kind: 'transformers',
			options: { model, localModelPath: url.pathname, allowRemoteModels: false }
		};
	const hub = HUB_HOSTS.has(url.hostname) && url.pathname === '/';
	return {
		kind: 'transformers',
		options: {
			model,
			allowRemoteModels: true,
			remoteHost: url.href,
			...(hub ? {} : { remotePathTemplate: '{model}/' })
		}
	};
}

/** A short human description, e.g. `Xenova/all-MiniLM-L6-v2 from https://huggingface.co/`. */
export function describeEmbedder(setting: EmbedderSetting): string {
	return setting.kind === 'use-lite'
		? 'Universal Sentence Encoder lite (bundled)'
		: `${setting.model} from ${setting.baseUrl}`;
}
