import { describe, expect, it } from 'vitest';
import {
	DEFAULT_EMBEDDER,
	modelChoiceFor,
	parseEmbedderSetting,
	validateEmbedderSetting
} from './model-choice';

const APP = 'http://127.0.0.1:4173';

describe('embedding model setting', () => {
	it('reads the app folder as local files, with remote loading off', () => {
		expect(
			modelChoiceFor(
				{ kind: 'transformers', model: 'Xenova/all-MiniLM-L6-v2', baseUrl: '/models/' },
				APP
			)
		).toEqual({
			kind: 'transformers',
			options: {
				model: 'Xenova/all-MiniLM-L6-v2',
				localModelPath: '/models/',
				allowRemoteModels: false
			}
		});
		// A full URL on the app's own origin is still the app's folder.
		expect(
			modelChoiceFor({ kind: 'transformers', model: 'm', baseUrl: `${APP}/custom` }, APP)
		).toMatchObject({ options: { localModelPath: '/custom/', allowRemoteModels: false } });
	});

	it('switches remote loading on only for a URL on another origin, in folder layout', () => {
		expect(
			modelChoiceFor(
				{ kind: 'transformers', model: 'org/tiny', baseUrl: 'https://models.example.test/m/' },
				APP
			)
		).toEqual({
			kind: 'transformers',
			options: {
				model: 'org/tiny',
				allowRemoteModels: true,
				remoteHost: 'https://models.example.test/m/',
				remotePathTemplate: '{model}/'
			}
		});
	});

	it('uses the hub layout for huggingface.co', () => {
		const choice = modelChoiceFor(
			{ kind: 'transformers', model: 'Xenova/all-MiniLM-L6-v2', baseUrl: 'https://huggingface.co' },
			APP
		);
		expect(choice).toEqual({
			kind: 'transformers',
			options: {
				model: 'Xenova/all-MiniLM-L6-v2',
				allowRemoteModels: true,
				remoteHost: 'https://huggingface.co/'
			}
		});
	});

	it('rejects malformed model ids and base URLs, naming the field', () => {
		const bad = (model: string, baseUrl: string) => {
			try {
				validateEmbedderSetting({ kind: 'transformers', model, baseUrl });
				return null;
			} catch (e) {
				return e as { code: string; path: string; message: string };
			}
		};
		expect(bad('../etc/passwd', '/models/')).toMatchObject({ code: 'validation', path: 'model' });
		expect(bad('a/b/c', '/models/')).toMatchObject({ path: 'model' });
		expect(bad('org/m', 'ftp://host/models/')).toMatchObject({
			path: 'baseUrl',
			message: 'Base URL must use http or https, not ftp:'
		});
		expect(bad('org/m', 'not a url')).toMatchObject({ path: 'baseUrl' });
		expect(bad('org/m', '//evil.test/')).toMatchObject({ path: 'baseUrl' });
		expect(bad('org/m', '/models/../secret/')).toMatchObject({ path: 'baseUrl' });
		expect(
			validateEmbedderSetting({ kind: 'transformers', model: ' org/m ', baseUrl: '' })
		).toEqual({ kind: 'transformers', model: 'org/m', baseUrl: '/models/' });
	});

	it('falls back to the bundled model for anything malformed in storage', () => {
		expect(parseEmbedderSetting(null)).toEqual(DEFAULT_EMBEDDER);
		expect(parseEmbedderSetting('{not json')).toEqual(DEFAULT_EMBEDDER);
		expect(parseEmbedderSetting('{"kind":"transformers","model":"../x","baseUrl":"/"}')).toEqual(
			DEFAULT_EMBEDDER
		);
		expect(
			parseEmbedderSetting('{"kind":"transformers","model":"org/m","baseUrl":"https://h.test/"}')
		).toEqual({ kind: 'transformers', model: 'org/m', baseUrl: 'https://h.test/' });
	});
});
