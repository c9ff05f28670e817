/** @module Converts between a prompt's working copy and a version snapshot. */
import type { PromptPatch } from '../library/library-service';
import type { Prompt } from '../model/prompt';
import type { Snapshot } from './service';

/** The parts of a prompt a commit records (content and metadata), deep-copied. */
export function snapshotOf(prompt: Prompt): Snapshot {
	return structuredClone({
		content: { type: prompt.type, content: prompt.content, messages: prompt.messages },
		metadata: {
			modelConfig: prompt.modelConfig,
			tags: prompt.tags,
			description: prompt.description,
			customFields: prompt.customFields,
			intent: prompt.intent,
			templateOptions: prompt.templateOptions
		}
	});
}

/** The patch that makes a prompt's working copy equal a snapshot (checkout, rollback, merge). */
export function patchFromSnapshot(snapshot: Snapshot): PromptPatch {
	const { content, metadata } = structuredClone(snapshot);
	return {
		type: content.type,
		content: content.content,
		messages: content.messages,
		modelConfig: metadata.modelConfig,
		tags: metadata.tags,
		description: metadata.description,
		customFields: metadata.customFields,
		intent: metadata.intent,
		templateOptions: metadata.templateOptions
	};
}
