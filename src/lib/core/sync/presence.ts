/** @module Presence: the name and colour this device shows to co-editors. */

export interface PresenceUser {
	name: string;
	color: string;
	colorLight: string;
}

/**
 * A person as co-editors see them: `color` (#rrggbb) when given, else a stable colour per name,
 * so a person looks the same on every device.
 */
export function presenceFor(name: string, color?: string): PresenceUser {
	if (color && /^#[0-9a-fA-F]{6}$/.test(color))
		return { name: name || 'anonymous', color, colorLight: `${color}40` };
	let h = 0;
	for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
	const hue = h % 360;
	return {
		name: name || 'anonymous',
		color: `hsl(${hue} 70% 45%)`,
		colorLight: `hsl(${hue} 70% 45% / 0.25)`
	};
}

/** Users present in an awareness state map (one entry per remote client with a `user` field). */
export function presentUsers(
	states: Map<number, Record<string, unknown>>,
	selfId: number
): Array<PresenceUser & { clientId: number; self: boolean }> {
	const out: Array<PresenceUser & { clientId: number; self: boolean }> = [];
	for (const [clientId, state] of states) {
		const u = state.user as Partial<PresenceUser> | undefined;
		if (u?.name && u.color)
			out.push({
				name: u.name,
				color: u.color,
				colorLight: u.colorLight ?? u.color,
				clientId,
				self: clientId === selfId
			});
	}
	return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}
