/** @module Resolves `include()` targets from the library: latest working copy, a pinned version, or a label. */
import { PromptloomError } from '../model/errors';
import { promptText, type Prompt, type PromptContent } from '../model/prompt';
import type { Version } from '../model/version';
import type { IncludeResolver } from '../template/types';

/** The parts of the library and version control an include needs. */
export interface IncludeSources {
	findByName(name: string): Promise<Prompt | undefined>;
	getVersion?(promptId: string, versionId: string): Promise<Version>;
	listLabels?(promptId: string): Promise<{ name: string; versionId: string }[]>;
}

/** The template text an included prompt contributes (a chat prompt's messages are joined). */
function sourceOf(content: PromptContent): string {
	return content.type === 'text' ? content.content : promptText(content);
}

/**
 * An {@link IncludeResolver} over the library. Without a pin it includes the working copy (its id
 * is reported as `working-copy`); a `version` or `label` reads the committed version.
 */
export function libraryIncludeResolver(sources: IncludeSources): IncludeResolver {
	return async (ref) => {
		const prompt = await sources.findByName(ref.name);
		if (!prompt || prompt.deletedAt !== null) return null;
		let versionId = ref.version;
		if (!versionId && ref.label) {
			const labels = (await sources.listLabels?.(prompt.id)) ?? [];
			versionId = labels.find((l) => l.name === ref.label)?.versionId;
			if (!versionId)
				throw new PromptloomError('not_found', `prompt "${ref.name}" has no label "${ref.label}"`);
		}
		if (!versionId) return { source: sourceOf(prompt), versionId: 'working-copy' };
		if (!sources.getVersion)
			throw new PromptloomError('not_found', `versions of "${ref.name}" are not available here`);
		const version = await sources.getVersion(prompt.id, versionId);
		return { source: sourceOf(version.content), versionId: version.id };
	};
}
