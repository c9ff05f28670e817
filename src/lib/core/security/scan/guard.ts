/**
 * @module The outbound guard: applies the security policy to the messages of a model call before
 * they leave the device (redact, or refuse when the policy blocks), and restores redacted values
 * in the answer, also while it streams.
 */
import type { ProviderRegistry } from '../../providers/registry';
import type { ChatMessage, ChatResult, LlmProvider } from '../../providers/types';
import { applyPolicy, SecurityPolicyError, type GuardResult, type SecurityPolicy } from './policy';
import { reidentify, type RedactionEntry } from './redact';

/** What the guard did to one call. */
export interface GuardReport {
	/** The messages as sent (redacted). */
	sent: ChatMessage[];
	entries: RedactionEntry[];
	findings: GuardResult['findings'];
	blocked: boolean;
}

/** Applies `policy` to chat messages: what would be sent and what was found. */
export function guardMessages(
	messages: readonly ChatMessage[],
	policy: SecurityPolicy
): GuardReport {
	const g = applyPolicy(
		messages.map((m) => m.content),
		policy
	);
	return {
		sent: messages.map((m, i) => ({ ...m, content: g.texts[i] })),
		entries: g.entries,
		findings: g.findings,
		blocked: g.blocked
	};
}

/**
 * Restores placeholders in streamed text: text that could be the start of a placeholder is held
 * back until the next delta shows whether it is one.
 */
export class StreamRestorer {
	#pending = '';
	readonly #entries: readonly RedactionEntry[];
	constructor(entries: readonly RedactionEntry[]) {
		this.#entries = entries;
	}
	/** Text that can be shown now. */
	push(delta: string): string {
		const text = this.#pending + delta;
		// Hold back a trailing "<LABEL_1" or "LABEL_" that the next delta may complete.
		const m = /<?[A-Za-z][A-Za-z0-9_]*$|<$/.exec(text);
		const cut = m && this.#entries.length ? m.index : text.length;
		this.#pending = text.slice(cut);
		return reidentify(text.slice(0, cut), this.#entries);
	}
	/** Whatever is still held back, at the end of the stream. */
	flush(): string {
		const rest = reidentify(this.#pending, this.#entries);
		this.#pending = '';
		return rest;
	}
}

export interface GuardOptions {
	/** The policy in force for this call (read at call time, so settings changes apply at once). */
	policy: () => SecurityPolicy | Promise<SecurityPolicy>;
	/** Told what was found and redacted, before the call is sent. */
	onReport?: (report: GuardReport) => void;
}

/** `provider` with the outbound guard in front of every call. */
export function guardProvider(provider: LlmProvider, options: GuardOptions): LlmProvider {
	return {
		id: provider.id,
		kind: provider.kind,
		label: provider.label,
		async chat(req, opts = {}): Promise<ChatResult> {
			const report = guardMessages(req.messages, await options.policy());
			options.onReport?.(report);
			if (report.blocked)
				throw new SecurityPolicyError(
					report.findings.filter((f) => f.action === 'block').map((f) => f.finding)
				);
			if (report.entries.length === 0)
				return provider.chat({ ...req, messages: report.sent }, opts);
			const restorer = new StreamRestorer(report.entries);
			const onDelta = opts.onDelta;
			const result = await provider.chat(
				{ ...req, messages: report.sent },
				onDelta
					? {
							...opts,
							onDelta: (d) => {
								const shown = restorer.push(d);
								if (shown) onDelta(shown);
							}
						}
					: opts
			);
			if (onDelta) {
				const rest = restorer.flush();
				if (rest) onDelta(rest);
			}
			return { ...result, text: reidentify(result.text, report.entries) };
		}
	};
}

/** A registry whose providers all go through the guard. */
export function guardRegistry(registry: ProviderRegistry, options: GuardOptions): ProviderRegistry {
	return {
		list: () => registry.list(),
		resolve: async (spec) => {
			const r = await registry.resolve(spec);
			return { ...r, provider: guardProvider(r.provider, options) };
		},
		...(registry.getPrices ? { getPrices: () => registry.getPrices!() } : {})
	};
}
