/**
 * @module What the command palette offers: the app's pages, its actions and the prompts the core
 * search finds, ranked for what was typed. Plain data and functions, so it is tested without a page.
 */

export interface PaletteCommand {
	id: string;
	kind: 'prompt' | 'page' | 'action';
	label: string;
	/** Shown beside the label (a prompt's folder, a page's path, an action's shortcut). */
	detail?: string;
	/** Extra words it answers to. */
	keywords?: string;
	/** Where it goes (pages, prompts) … */
	href?: string;
	/** … or the action's id (see `ACTIONS`). */
	action?: PaletteActionId;
	/** Why it cannot be used now (disabled when set). */
	disabledNote?: string;
}

export type PaletteActionId =
	'new-text-prompt' | 'new-chat-prompt' | 'new-folder' | 'new-project' | 'undo';

export const PAGES: readonly PaletteCommand[] = [
	['All prompts', '/', 'library home list'],
	['Playground', '/playground', 'run models side by side'],
	['Evaluations', '/evals', 'runs test scores'],
	['New evaluation', '/evals/new', 'run dataset'],
	['Datasets', '/datasets', 'csv rows cases'],
	['Few-shot sets', '/fewshot', 'examples'],
	['Analytics', '/analytics', 'charts dashboard cost latency drift'],
	['Library map', '/map', 'clusters semantic duplicates'],
	['Scan library', '/security', 'security injection pii secrets'],
	['Workspace', '/workspace', 'members roles reviews audit team'],
	['API', '/api', 'keys webhooks rest openapi'],
	['Settings', '/settings', 'providers keys prices model identity'],
	['Trash', '/trash', 'deleted restore'],
	['Backup & restore', '/backup', 'import export file'],
	['Sync', '/sync', 'relay connect offline devices']
].map(([label, href, keywords]) => ({ id: `page:${href}`, kind: 'page', label, href, keywords }));

export const ACTIONS: readonly PaletteCommand[] = [
	{
		id: 'action:new-text-prompt',
		kind: 'action',
		label: 'New text prompt…',
		action: 'new-text-prompt',
		keywords: 'create add'
	},
	{
		id: 'action:new-chat-prompt',
		kind: 'action',
		label: 'New chat prompt…',
		action: 'new-chat-prompt',
		keywords: 'create add messages'
	},
	{
		id: 'action:new-folder',
		kind: 'action',
		label: 'New folder…',
		action: 'new-folder',
		keywords: 'create add'
	},
	{
		id: 'action:new-project',
		kind: 'action',
		label: 'New project…',
		action: 'new-project',
		keywords: 'create add'
	},
	{
		id: 'action:undo',
		kind: 'action',
		label: 'Undo',
		detail: 'Ctrl/⌘ Z',
		action: 'undo',
		keywords: 'revert back'
	}
];

/** The keyboard shortcuts the palette lists. */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
	{ keys: 'Ctrl/⌘ K', what: 'Open this palette' },
	{ keys: 'Ctrl/⌘ Z', what: 'Undo the last library change (outside text fields)' },
	{ keys: '↑ ↓', what: 'Move through the results' },
	{ keys: 'Enter', what: 'Open or run the selected result' },
	{ keys: 'Esc', what: 'Close' }
];

/** Actions that change the library: disabled with the reason when the role may not. */
const WRITES: ReadonlySet<PaletteActionId> = new Set([
	'new-text-prompt',
	'new-chat-prompt',
	'new-folder',
	'new-project'
]);

/**
 * How well `query` matches `text`: 0 when it does not; higher for a match at the start, at a word
 * start, and for shorter texts. Every word of the query must appear.
 */
export function matchScore(query: string, text: string): number {
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	if (!words.length) return 1;
	const hay = text.toLowerCase();
	let score = 0;
	for (const w of words) {
		const at = hay.indexOf(w);
		if (at < 0) return 0;
		score += at === 0 ? 3 : /[\s/\-_:.]/.test(hay[at - 1]) ? 2 : 1;
	}
	return score + 1 / (1 + hay.length / 40);
}

/**
 * The palette's list for a query: matching actions and pages, then the prompts the search found
 * (already ranked by it), at most `limit` in all. An empty query lists the actions and pages.
 */
export function paletteResults(
	query: string,
	prompts: readonly PaletteCommand[],
	options: { readOnlyNote?: string; limit?: number } = {}
): PaletteCommand[] {
	const limit = options.limit ?? 30;
	const fixed = [...ACTIONS, ...PAGES].map((c) =>
		c.action && WRITES.has(c.action) && options.readOnlyNote
			? { ...c, disabledNote: options.readOnlyNote }
			: c
	);
	if (!query.trim()) return [...prompts.slice(0, 5), ...fixed].slice(0, limit);
	const ranked = fixed
		.map((c) => ({ c, s: matchScore(query, `${c.label} ${c.keywords ?? ''}`) }))
		.filter((r) => r.s > 0)
		.sort((a, b) => b.s - a.s)
		.map((r) => r.c);
	return [...ranked.slice(0, 6), ...prompts, ...ranked.slice(6)].slice(0, limit);
}
