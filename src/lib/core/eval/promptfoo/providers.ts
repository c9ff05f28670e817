/**
 * @module promptfoo `providers`: ids, `{id, label, config, prompts}` objects and `{id: {…}}` maps;
 * a provider we do not have is skipped with a warning while others remain.
 */
import { parseProviderId } from '../provider-id';
import { Context, fail, fileValue, isFileRef, isObject } from './parse-util';

export interface PromptfooProvider {
	id: string;
	label: string;
	provider: string;
	model: string;
	/** Model parameters from `config` (temperature, max_tokens...). */
	params: Record<string, unknown>;
	apiBaseUrl?: string;
	apiKey?: string;
	/** Name of the environment variable holding the key. */
	apiKeyEnvar?: string;
	/** Labels or ids of the prompts this provider runs (all when absent). */
	prompts?: string[];
}

const PROVIDER_KEYS = ['id', 'label', 'config', 'prompts'];

function parseProvider(id: string, item: Record<string, unknown>, path: string): PromptfooProvider {
	const ref = parseProviderId(id);
	const params: Record<string, unknown> = {};
	const p: PromptfooProvider = {
		id,
		label: typeof item.label === 'string' ? item.label : id,
		provider: ref.provider,
		model: ref.model,
		params
	};
	const { config, prompts } = item;
	if (config !== undefined) {
		if (!isObject(config)) throw fail(`${path}.config`, 'expected a map');
		for (const [k, v] of Object.entries(config)) {
			if (k === 'apiBaseUrl' || k === 'apiKey' || k === 'apiKeyEnvar') {
				if (typeof v !== 'string') throw fail(`${path}.config.${k}`, 'expected a string');
				p[k] = v;
			} else params[k] = v;
		}
	}
	if (prompts !== undefined) {
		const list = typeof prompts === 'string' ? [prompts] : prompts;
		if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
			throw fail(`${path}.prompts`, 'expected a list of prompt labels or ids');
		p.prompts = list as string[];
	}
	return p;
}

/** `file://` values in a provider's config (`response_format: file://schema.json`) read. */
async function readConfigFiles(ctx: Context, item: Record<string, unknown>, path: string) {
	if (!isObject(item.config)) return item;
	const config: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(item.config))
		config[k] = isFileRef(v) ? await fileValue(ctx, v, `${path}.config.${k}`) : v;
	return { ...item, config };
}

/** Parses `providers`; unknown provider ids become warnings unless none is left. */
export async function parseProviders(ctx: Context, value: unknown): Promise<PromptfooProvider[]> {
	if (value === undefined) throw fail('providers', 'the config has no providers');
	if (isFileRef(value)) value = await fileValue(ctx, value, 'providers');
	const list = typeof value === 'string' ? [value] : value;
	if (!Array.isArray(list)) throw fail('providers', 'expected a provider id or a list');
	const out: PromptfooProvider[] = [];
	const skipped: { path: string; message: string }[] = [];
	for (const [i, raw] of list.entries()) {
		const path = `providers[${i}]`;
		const item = isFileRef(raw) ? await fileValue(ctx, raw, path) : raw;
		let id: string;
		let body: Record<string, unknown>;
		if (typeof item === 'string') [id, body] = [item, {}];
		else if (isObject(item) && typeof item.id === 'string') {
			ctx.keys(item, PROVIDER_KEYS, path);
			[id, body] = [item.id, item];
		} else if (
			isObject(item) &&
			Object.keys(item).length === 1 &&
			isObject(Object.values(item)[0])
		) {
			id = Object.keys(item)[0];
			body = Object.values(item)[0] as Record<string, unknown>;
			ctx.keys(
				body,
				PROVIDER_KEYS.filter((k) => k !== 'id'),
				`${path}.${id}`
			);
		} else throw fail(path, 'a provider object needs an "id"');
		body = await readConfigFiles(ctx, body, path);
		try {
			out.push(parseProvider(id, body, path));
		} catch (e) {
			if ((e as { path?: string }).path) throw e;
			skipped.push({ path, message: (e as Error).message });
		}
	}
	if (out.length === 0 && skipped.length > 0) throw fail(skipped[0].path, skipped[0].message);
	for (const s of skipped) ctx.warn(`${s.path}: ${s.message}; skipped (other providers remain)`);
	const labels = out.map((p) => p.label);
	const dup = labels.find((l, i) => labels.indexOf(l) !== i);
	if (dup)
		throw fail('providers', `two providers are both labelled "${dup}": give them distinct labels`);
	return out;
}
