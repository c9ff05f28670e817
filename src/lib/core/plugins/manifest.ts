/**
 * @module The plugin manifest, `promptloom-plugin.json`: who the plugin is, what it contributes
 * (scorers, lint rules, exporters, providers, each with optional examples that `plugin check`
 * runs) and the permissions it asks for (network hosts for providers, the API key). Validated
 * with zod; every problem is reported with its JSON path.
 */
import { PromptloomError } from '../model/errors';
import { z } from '../model/zod';

export const MANIFEST_FILE = 'promptloom-plugin.json';

/** `plugin:<id>/<name>`: how configs, the editor and the CLI name a contribution. */
export const PLUGIN_REF = /^plugin:([a-z0-9][a-z0-9-]{0,62})\/([A-Za-z][\w-]{0,62})$/;

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NAME = /^[A-Za-z][\w-]{0,62}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A host name (optionally with a port), never a URL or a pattern. */
const HOST =
	/^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;
const MAIN = /^[\w.-]+\.m?js$/;

const example = z.strictObject({
	/** What the plugin's function is called with. */
	input: z.unknown(),
	/** A subset of the expected result: every key given must match (deep); arrays exactly. */
	expect: z.unknown()
});

const contribution = z.strictObject({
	name: z.string().regex(NAME, 'a letter, then letters, digits, _ or - (at most 63)'),
	description: z.string().max(500).default(''),
	examples: z.array(example).max(50).default([])
});

const lintRule = contribution.extend({
	severity: z.enum(['error', 'warning', 'info']).default('warning')
});

const exporter = contribution.extend({
	/** Shown on the Backup page, e.g. "Deployment YAML". */
	title: z.string().max(80).optional()
});

export const manifestSchema = z.strictObject({
	id: z
		.string()
		.regex(ID, 'lowercase letters, digits and - (at most 63), starting with a letter or digit'),
	name: z.string().min(1).max(80),
	version: z.string().regex(SEMVER, 'a semantic version such as 1.0.0'),
	description: z.string().max(1000).default(''),
	/** The ES module next to the manifest. */
	main: z.string().regex(MAIN, 'a file name ending in .js or .mjs, next to the manifest'),
	contributes: z
		.strictObject({
			scorers: z.array(contribution).max(50).default([]),
			lintRules: z.array(lintRule).max(50).default([]),
			exporters: z.array(exporter).max(50).default([]),
			providers: z.array(contribution).max(20).default([])
		})
		.refine(
			(c) => c.scorers.length + c.lintRules.length + c.exporters.length + c.providers.length > 0,
			'a plugin must contribute at least one scorer, lint rule, exporter or provider'
		),
	permissions: z
		.strictObject({
			/** Hosts a provider may send requests to (`api.example.com`, `localhost:8080`). */
			hosts: z
				.array(z.string().regex(HOST, 'a host name such as api.example.com'))
				.max(20)
				.default([]),
			/** Whether the provider's request mapping may see the API key the user grants. */
			apiKey: z.boolean().default(false)
		})
		.default({ hosts: [], apiKey: false }),
	limits: z
		.strictObject({
			/** Per call, at most 10 s. */
			timeoutMs: z.number().int().min(1).max(10_000).default(1000),
			/** The plugin's memory, at most 256 MB. */
			memoryMb: z.number().int().min(4).max(256).default(32)
		})
		.default({ timeoutMs: 1000, memoryMb: 32 })
});

export type PluginManifest = z.infer<typeof manifestSchema>;
export type ContributionKind = 'scorers' | 'lintRules' | 'exporters' | 'providers';
export const CONTRIBUTION_KINDS: readonly ContributionKind[] = [
	'scorers',
	'lintRules',
	'exporters',
	'providers'
];

/** One problem in a manifest: where (a JSON path such as `contributes.scorers[0].name`) and what. */
export interface ManifestIssue {
	path: string;
	message: string;
}

function pathOf(path: readonly PropertyKey[]): string {
	let out = '';
	for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
	return out || '(manifest)';
}

/** Validates manifest JSON text; every problem is listed, nothing is thrown. */
export function checkManifest(
	text: string
): { ok: true; manifest: PluginManifest } | { ok: false; issues: ManifestIssue[] } {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (e) {
		return {
			ok: false,
			issues: [{ path: '(manifest)', message: `not JSON: ${(e as Error).message}` }]
		};
	}
	const r = manifestSchema.safeParse(raw);
	if (!r.success)
		return {
			ok: false,
			issues: r.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }))
		};
	const issues: ManifestIssue[] = [];
	for (const kind of CONTRIBUTION_KINDS) {
		const seen = new Set<string>();
		r.data.contributes[kind].forEach((c, i) => {
			if (seen.has(c.name))
				issues.push({
					path: `contributes.${kind}[${i}].name`,
					message: `"${c.name}" is listed twice`
				});
			seen.add(c.name);
		});
	}
	if (r.data.contributes.providers.length && !r.data.permissions.hosts.length)
		issues.push({
			path: 'permissions.hosts',
			message: 'a provider needs at least one host it may send requests to'
		});
	return issues.length ? { ok: false, issues } : { ok: true, manifest: r.data };
}

/** Parses a manifest or throws a `validation` error listing every problem. */
export function parseManifest(text: string): PluginManifest {
	const r = checkManifest(text);
	if (!r.ok)
		throw new PromptloomError(
			'validation',
			`invalid ${MANIFEST_FILE}: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
		);
	return r.manifest;
}

/** `plugin:<id>/<name>` split, or null when `ref` is not one. */
export function parsePluginRef(ref: string): { pluginId: string; name: string } | null {
	const m = PLUGIN_REF.exec(ref);
	return m ? { pluginId: m[1], name: m[2] } : null;
}

/** What a user is asked to approve before enabling a plugin, one sentence each. */
export function describePermissions(m: PluginManifest): string[] {
	const out: string[] = [];
	for (const h of m.permissions.hosts) out.push(`send model requests to ${h}`);
	if (m.permissions.apiKey) out.push('see the API key you grant to its provider');
	if (!out.length) out.push('no network access and no API keys (runs on the data it is given)');
	return out;
}
