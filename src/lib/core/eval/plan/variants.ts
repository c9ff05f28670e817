/** @module Prompt versions (or a working copy) as evaluation variants, with includes resolved. */
import { canonicalize, sha256Hex } from '../../util/crypto';
import type { LibraryService } from '../../library/library-service';
import { PromptloomError } from '../../model/errors';
import { promptText, type Prompt, type PromptContent } from '../../model/prompt';
import type { Version } from '../../model/version';
import { resolveIncludes } from '../../template/includes';
import type { IncludeResolver } from '../../template/types';
import type { PromptVcs } from '../../vcs/prompt-vcs';
import type { EvalVariant, VariantSource } from './plan';

/** What the variant picker lists for one prompt. */
export interface VariantChoice {
	promptId: string;
	promptName: string;
	/** Version id, or null for the working copy. */
	versionId: string | null;
	label: string;
	message: string;
	createdAt: number;
}

export interface VariantDeps {
	library: LibraryService;
	vcs: PromptVcs;
}

const short = (id: string) => id.slice(0, 7);

/** The versions of a prompt, newest first; the working copy when it has none. */
export async function listVariantChoices(
	deps: VariantDeps,
	promptId: string
): Promise<VariantChoice[]> {
	const prompt = await deps.library.getPrompt(promptId);
	const versions = await deps.vcs.history(promptId);
	if (versions.length === 0)
		return [
			{
				promptId,
				promptName: prompt.name,
				versionId: null,
				label: `${prompt.name} (working copy)`,
				message: 'not committed yet',
				createdAt: prompt.updatedAt
			}
		];
	return [...versions]
		.sort((a, b) => b.createdAt - a.createdAt)
		.map((v) => ({
			promptId,
			promptName: prompt.name,
			versionId: v.id,
			label: `${prompt.name}@${short(v.id)}`,
			message: v.message,
			createdAt: v.createdAt
		}));
}

function sourceOf(content: PromptContent, p: Pick<Prompt, 'templateOptions'>): VariantSource {
	return {
		type: content.type,
		content: content.content,
		messages: content.messages.map((m) => ({ role: m.role, content: m.content })),
		templateOptions: { ...p.templateOptions }
	};
}

/** Resolves `include()` by prompt name: a pinned version, a label, or the working copy. */
export function libraryIncludeResolver(deps: VariantDeps): IncludeResolver {
	return async (ref) => {
		const prompt = await deps.library.findByName(ref.name);
		if (!prompt) return null;
		let version: Version | null = null;
		if (ref.version) version = await deps.vcs.getVersion(prompt.id, ref.version);
		else if (ref.label) {
			const label = (await deps.vcs.service.listLabels(prompt.id)).find(
				(l) => l.name === ref.label
			);
			if (!label) return null;
			version = await deps.vcs.getVersion(prompt.id, label.versionId);
		}
		return version
			? { source: promptText(version.content), versionId: version.id }
			: { source: promptText(prompt), versionId: 'working-copy' };
	};
}

/**
 * Freezes a version (or the working copy when `versionId` is null) into a variant. A working copy
 * gets a content-derived id, so the same text always links to the same results.
 */
export async function buildVariant(
	deps: VariantDeps,
	promptId: string,
	versionId: string | null
): Promise<EvalVariant> {
	const prompt = await deps.library.getPrompt(promptId);
	let source: VariantSource;
	let id: string;
	let label: string;
	if (versionId) {
		const v = await deps.vcs.getVersion(promptId, versionId);
		source = sourceOf(v.content, v.metadata);
		id = v.id;
		label = `${prompt.name}@${short(v.id)}`;
	} else {
		source = sourceOf(prompt, prompt);
		id = `wc-${(await sha256Hex(canonicalize({ promptId, source }))).slice(0, 16)}`;
		label = `${prompt.name} (working copy)`;
	}
	const texts = source.type === 'chat' ? source.messages.map((m) => m.content) : [source.content];
	let includes;
	try {
		includes = await resolveIncludes(texts, libraryIncludeResolver(deps), source.templateOptions);
	} catch (e) {
		throw new PromptloomError('template_include', `${label}: ${(e as Error).message}`, {
			cause: e
		});
	}
	return {
		id,
		promptId,
		promptName: prompt.name,
		label,
		source,
		...(Object.keys(includes).length ? { includes } : {})
	};
}
