/** @module App-level version control: the working copy of a prompt joined to its history. */
export * from './working-copy';
export * from './prompt-vcs';
