/**
 * @module Who I am to co-editors: a display name and a colour, chosen in Settings and kept on this
 * device (local settings table). Commits, comments, presence chips and remote cursors use it.
 * Until a name is chosen, the relay user of the connected workspace stands in (and is saved as the
 * name the first time one is known, so the person can change it).
 */
import { z } from '../model/zod';
import { PromptloomError } from '../model/errors';
import type { PromptloomDb } from '../store/db';

export const IDENTITY_SETTING = 'identity';

/** Twelve hues far enough apart to tell cursors apart, readable on white and on dark. */
export const PALETTE = [
	'#2563eb',
	'#dc2626',
	'#16a34a',
	'#9333ea',
	'#ea580c',
	'#0891b2',
	'#db2777',
	'#65a30d',
	'#4f46e5',
	'#b45309',
	'#0d9488',
	'#be123c'
] as const;

export const identitySchema = z.object({
	name: z.string().trim().max(60, 'A display name has at most 60 characters'),
	color: z
		.string()
		.regex(/^#[0-9a-fA-F]{6}$/, 'A colour is written #rrggbb')
		.transform((c) => c.toLowerCase())
		.nullable()
});
export type Identity = z.output<typeof identitySchema>;

/** The palette colour a name gets until its owner picks one (the same on every device). */
export function defaultColor(name: string): string {
	let h = 0;
	for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
	return PALETTE[h % PALETTE.length];
}

/**
 * The colour to show, distinct from the co-editors' on this prompt: when another client with a
 * smaller id already shows `wanted`, the first palette colour nobody shows (each client applies
 * the same rule, so two people never keep the same colour; the smaller id keeps its choice).
 */
export function distinctColor(
	wanted: string,
	selfId: number,
	others: ReadonlyArray<{ clientId: number; color: string }>
): string {
	const key = (c: string) => c.toLowerCase();
	const taken = others.filter((o) => o.clientId !== selfId);
	if (!taken.some((o) => o.clientId < selfId && key(o.color) === key(wanted))) return wanted;
	const used = new Set(taken.map((o) => key(o.color)));
	return PALETTE.find((c) => !used.has(c)) ?? wanted;
}

export class IdentityService {
	#current: Identity = { name: '', color: null };
	#listeners = new Set<(i: Identity) => void>();

	constructor(private readonly db: PromptloomDb) {}

	/** Reads the saved identity (an unreadable one counts as none). */
	async load(): Promise<Identity> {
		const rec = await this.db.settings.get(IDENTITY_SETTING);
		const parsed = identitySchema.safeParse(rec?.value ?? { name: '', color: null });
		this.#current = parsed.success ? parsed.data : { name: '', color: null };
		return this.#current;
	}

	get current(): Identity {
		return this.#current;
	}

	/** The name to record and show, with `fallback` (the relay user) until one is chosen. */
	nameOr(fallback: string): string {
		return this.#current.name || fallback;
	}

	/** The colour to show for `name`: the chosen one, else the name's default. */
	colorFor(name: string): string {
		return this.#current.color ?? defaultColor(name);
	}

	async set(input: { name: string; color: string | null }): Promise<Identity> {
		const parsed = identitySchema.safeParse(input);
		if (!parsed.success)
			throw new PromptloomError('validation', parsed.error.issues.map((i) => i.message).join('; '));
		await this.db.settings.put({ key: IDENTITY_SETTING, value: parsed.data });
		this.#current = parsed.data;
		for (const l of this.#listeners) l(parsed.data);
		return parsed.data;
	}

	/** Saves the relay user as the name when none was chosen yet (on connecting with a token). */
	async prefill(user: string): Promise<void> {
		if (!this.#current.name && user.trim())
			await this.set({ name: user.trim(), color: this.#current.color });
	}

	onChange(listener: (i: Identity) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
}
