/**
 * @module The check made before any change of synced state (prompts, folders, projects, versions,
 * branches, labels): it throws a `forbidden` PromptloomError naming what the current role may not
 * do, so a change the relay would refuse is never made on the device in the first place.
 */

/** Throws when the change described by `what` (e.g. "create a prompt") is not allowed. */
export type WriteGuard = (what: string) => void;

/** A personal library may change anything. */
export const allowAllWrites: WriteGuard = () => {};
