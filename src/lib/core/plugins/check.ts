/**
 * @module What `promptloom plugin check` proves about a plugin: the manifest is valid, the module
 * loads in the sandbox, every declared contribution is exported as a function, and every example
 * in the manifest gives the result it promises. The report lists each step; nothing is thrown.
 */
import type { ModuleSessionFactory } from '../sandbox/session';
import { CONTRIBUTION_KINDS, checkManifest, type ContributionKind } from './manifest';
import { LoadedPlugin } from './plugin';

export interface CheckStep {
	/** `manifest`, `load`, `scorers/grade`, `scorers/grade example 1`… */
	what: string;
	ok: boolean;
	message?: string;
}

export interface CheckReport {
	ok: boolean;
	pluginId?: string;
	steps: CheckStep[];
}

/** Whether `actual` has everything `expected` has: objects by key (deep), everything else equal. */
export function matchesExpectation(actual: unknown, expected: unknown): boolean {
	if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
		if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
		const a = actual as Record<string, unknown>;
		return Object.entries(expected).every(
			([k, v]) => Object.prototype.hasOwnProperty.call(a, k) && matchesExpectation(a[k], v)
		);
	}
	if (Array.isArray(expected))
		return (
			Array.isArray(actual) &&
			actual.length === expected.length &&
			expected.every((v, i) => matchesExpectation(actual[i], v))
		);
	return Object.is(actual, expected);
}

const brief = (v: unknown) => {
	const s = JSON.stringify(v) ?? 'undefined';
	return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** Checks a plugin given as its manifest text and module source. */
export async function checkPlugin(
	manifestText: string,
	code: string,
	sessions: ModuleSessionFactory
): Promise<CheckReport> {
	const steps: CheckStep[] = [];
	const m = checkManifest(manifestText);
	if (!m.ok) {
		for (const i of m.issues)
			steps.push({ what: `manifest ${i.path}`, ok: false, message: i.message });
		return { ok: false, steps };
	}
	const manifest = m.manifest;
	steps.push({ what: 'manifest', ok: true });
	let plugin: LoadedPlugin;
	try {
		plugin = await LoadedPlugin.load({ manifest, code }, sessions);
	} catch (e) {
		steps.push({ what: 'load', ok: false, message: (e as Error).message });
		return { ok: false, pluginId: manifest.id, steps };
	}
	steps.push({ what: 'load', ok: true });
	try {
		for (const kind of CONTRIBUTION_KINDS)
			for (const c of manifest.contributes[kind]) {
				const methods = kind === 'providers' ? ['request', 'response'] : [undefined];
				for (const method of methods) steps.push(await exported(plugin, kind, c.name, method));
				for (const [i, ex] of c.examples.entries()) {
					const what = `${kind}/${c.name} example ${i + 1}`;
					try {
						const got = await plugin.call(
							kind,
							c.name,
							ex.input,
							kind === 'providers' ? 'request' : undefined
						);
						steps.push(
							matchesExpectation(got, ex.expect)
								? { what, ok: true }
								: { what, ok: false, message: `expected ${brief(ex.expect)}, got ${brief(got)}` }
						);
					} catch (e) {
						steps.push({ what, ok: false, message: (e as Error).message });
					}
				}
			}
	} finally {
		plugin.dispose();
	}
	return { ok: steps.every((s) => s.ok), pluginId: manifest.id, steps };
}

/** A declared contribution is exported as a function (probed without calling it). */
async function exported(
	plugin: LoadedPlugin,
	kind: ContributionKind,
	name: string,
	method: string | undefined
): Promise<CheckStep> {
	const what = `${kind}/${name}${method ? `.${method}` : ''}`;
	const ok = await plugin.exports(kind, name, method);
	return ok
		? { what, ok }
		: {
				what,
				ok,
				message: `the module exports no function ${kind}.${name}${method ? `.${method}` : ''}`
			};
}
