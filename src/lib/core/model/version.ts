/** @module Version-control entities: immutable versions, branches, labels and label history. */
import type { PromptContent, PromptMetadata } from './prompt';

/** An immutable, content-addressed commit of a prompt. */
export interface Version {
	/** SHA-256 (hex) of the canonical serialization of content, metadata and parents. */
	id: string;
	promptId: string;
	parents: string[];
	content: PromptContent;
	metadata: PromptMetadata;
	message: string;
	author: string;
	createdAt: number;
	/** Branch the commit was made on (informational; not part of the id). */
	branch: string;
}

export interface Branch {
	promptId: string;
	name: string;
	head: string;
	createdAt: number;
	createdBy: string;
}

export interface Label {
	promptId: string;
	name: string;
	versionId: string;
	updatedAt: number;
	updatedBy: string;
}

export interface LabelEvent {
	id: string;
	promptId: string;
	label: string;
	from: string | null;
	to: string | null;
	actor: string;
	at: number;
}
