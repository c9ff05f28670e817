/** @module What a promptfoo config asks for that `promptloom eval` runs but an app evaluation has no place for. */
import type { PromptfooConfig } from './config';

/** What the CLI runs but an app evaluation has no place for, one warning each. */
export function runOnlyWarnings(cfg: PromptfooConfig): string[] {
	const out: string[] = [];
	cfg.prompts.forEach((p, i) => {
		if (p.messages?.some((m) => m.attachments))
			out.push(
				`prompts[${i}] (${p.label}): image and audio parts were not imported (the library keeps text); run it with promptloom eval`
			);
		if (p.jsonTemplate)
			out.push(
				`prompts[${i}] (${p.label}) is a chat template written as JSON: imported as a text prompt; run it with promptloom eval`
			);
	});
	const per = (what: string, pick: (t: PromptfooConfig['tests'][number]) => unknown) => {
		const idx = cfg.tests.flatMap((t, i) => (pick(t) ? [i + 1] : []));
		if (idx.length)
			out.push(
				`${what} of test${idx.length > 1 ? 's' : ''} ${idx.join(', ')} ${idx.length > 1 ? 'were' : 'was'} not imported: run the config with promptloom eval for it`
			);
	};
	per('options.transform', (t) => t.options.transform);
	per('options.transformVars', (t) => t.options.transformVars);
	per('options.storeOutputAs', (t) => t.options.storeOutputAs);
	per('options.prefix/suffix', (t) => t.options.prefix || t.options.suffix);
	per('provider parameters in options', (t) => t.options.params);
	per('the providers filter', (t) => t.providers);
	if (cfg.providers.some((p) => p.prompts))
		out.push('the prompts filter of providers was not imported: every model runs every prompt');
	if (Object.keys(cfg.env).length)
		out.push(
			`env (${Object.keys(cfg.env).join(', ')}) was not imported: set keys and base URLs in Settings → Providers`
		);
	const eo = Object.keys(cfg.evaluateOptions);
	if (eo.length)
		out.push(`evaluateOptions (${eo.join(', ')}) apply to promptloom eval, not to the app's runs`);
	return out;
}
