/**
 * @module "Edit by hand" in the merge view: a conflict's lines are edited without the line break
 * that ends the hunk (a textarea hides it, so select-all-and-type would join the next line), and
 * the break is put back when the edit becomes the resolution.
 */

export interface HunkSides {
	base: string;
	ours: string;
	theirs: string;
}

/** The line break that ends the hunk in the file ('' when the hunk is the file's unterminated end). */
export function hunkEnding(c: HunkSides): string {
	return [c.ours, c.theirs, c.base].some((t) => t.endsWith('\n')) ? '\n' : '';
}

/** The text to put in the box: `text` without the hunk's final line break. */
export function forEditing(text: string, ending: string): string {
	return ending && text.endsWith(ending) ? text.slice(0, -ending.length) : text;
}

/** The resolution of the edited box: its lines, ended like the hunk (nothing when emptied). */
export function fromEditing(edited: string, ending: string): string {
	return edited === '' ? '' : edited + ending;
}
