/** @module Test fixture: a small valid library with every kind of entry, versions hashed for real. */
import type { Prompt } from '../model/prompt';
import type { Version } from '../model/version';
import { computeVersionId } from '../vcs/canonical';
import { createLibraryFile } from './library-schema';
import type { LibraryFile } from './library-schema';

const T = 1_714_000_000_000;

function prompt(over: Partial<Prompt> & Pick<Prompt, 'id' | 'name'>): Prompt {
	return {
		type: 'text',
		content: 'Summarize {{ text }}',
		messages: [],
		description: '',
		tags: [],
		intent: '',
		author: 'ana',
		modelConfig: { model: 'gpt-4o', temperature: 0.2, params: {} },
		customFields: [],
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		folderId: null,
		projectId: null,
		createdAt: T,
		updatedAt: T,
		deletedAt: null,
		...over
	};
}

async function version(
	p: Prompt,
	parents: string[],
	message: string,
	at: number
): Promise<Version> {
	const content = { type: p.type, content: p.content, messages: p.messages };
	const metadata = {
		modelConfig: p.modelConfig,
		tags: p.tags,
		description: p.description,
		customFields: p.customFields,
		intent: p.intent,
		templateOptions: p.templateOptions
	};
	const id = await computeVersionId({ promptId: p.id, content, metadata, parents });
	return {
		id,
		promptId: p.id,
		parents,
		content,
		metadata,
		message,
		author: p.author,
		createdAt: at,
		branch: 'main'
	};
}

/**
 * Index layout (tests rely on it): prompts[0] "summarize-email" (text, in folders[1], project),
 * prompts[1] "support-chat" (chat), prompts[2] "summarize-email" in the trash;
 * folders[0] "Work" > folders[1] "Email"; versions[0] root and versions[1] its child (both prompts[0]).
 */
export async function validLibraryFixture(): Promise<LibraryFile> {
	const p0 = prompt({
		id: 'p-sum',
		name: 'summarize-email',
		description: 'Summarize an email',
		tags: ['email', 'summary'],
		folderId: 'f-email',
		projectId: 'proj-1',
		customFields: [
			{ key: 'priority', type: 'number', value: 2 },
			{ key: 'ticket', type: 'url', value: 'https://example.com/T-1' }
		],
		modelConfig: {
			model: 'gpt-4o',
			temperature: 0.2,
			maxTokens: 300,
			params: { top_p: 0.9, stop: ['###'] }
		}
	});
	const p1 = prompt({
		id: 'p-chat',
		name: 'support-chat',
		type: 'chat',
		content: '',
		messages: [
			{ role: 'system', content: 'You are kind.\nLine two: "quoted" — ünïcödé' },
			{ role: 'user', content: '{{ question }}' }
		]
	});
	const p2 = prompt({ id: 'p-old', name: 'summarize-email', deletedAt: T + 5 });
	const v0 = await version(p0, [], 'first', T + 1);
	const v1 = await version(
		{ ...p0, content: 'Summarize briefly: {{ text }}' },
		[v0.id],
		'shorter',
		T + 2
	);
	return createLibraryFile({
		exportedAt: '2024-05-01T12:00:00.000Z',
		workspace: { id: 'ws-1', name: 'Personal' },
		prompts: [p0, p1, p2],
		folders: [
			{ id: 'f-work', name: 'Work', parentId: null, createdAt: T, updatedAt: T },
			{ id: 'f-email', name: 'Email', parentId: 'f-work', createdAt: T, updatedAt: T }
		],
		projects: [
			{ id: 'proj-1', name: 'Inbox Zero', description: 'Mail helpers', createdAt: T, updatedAt: T }
		],
		versions: [v0, v1],
		branches: [{ promptId: 'p-sum', name: 'main', head: v1.id, createdAt: T, createdBy: 'ana' }],
		labels: [
			{
				promptId: 'p-sum',
				name: 'production',
				versionId: v0.id,
				updatedAt: T + 3,
				updatedBy: 'ana'
			}
		],
		labelEvents: [
			{
				id: 'le-1',
				promptId: 'p-sum',
				label: 'production',
				from: null,
				to: v0.id,
				actor: 'ana',
				at: T + 3
			}
		],
		datasets: [{ id: 'ds-1', name: 'emails', rows: [{ text: 'hi', expected: 'greeting' }] }]
	});
}
