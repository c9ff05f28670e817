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

/** A co-editor as their awareness state shows them. */
export interface ShownColor {
	clientId: number;
	color: string;
	/** The person picked this colour (else it is their name's default). */
	chosen?: boolean;
}

/**
 * The colour to show, distinct from the co-editors' on this prompt. When someone else shows the
 * colour I want and outranks me, I take the first palette colour nobody shows. A picked colour
 * outranks a default one; between equals the smaller client id wins. Every client applies the
 * same rule, so two people never keep the same colour.
 */
export function distinctColor(
	wanted: string,
	self: { clientId: number; chosen: boolean },
	others: ReadonlyArray<ShownColor>
): string {
	const key = (c: string) => c.toLowerCase();
	const taken = others.filter((o) => o.clientId !== self.clientId);
	const outranks = (o: ShownColor) =>
		!!o.chosen !== self.chosen ? !!o.chosen : o.clientId < self.clientId;
	if (!taken.some((o) => key(o.color) === key(wanted) && outranks(o))) return wanted;
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

	/** True when the person picked their colour (it then outranks a default one). */
	get colorChosen(): boolean {
		return this.#current.color !== null;
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
