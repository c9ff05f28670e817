import { describe, expect, it } from 'vitest';
import { libraryFromFiles, withinFolder } from './import-files';

describe('prompt files chosen in the app', () => {
	it('reads a chosen folder of .prompty files with Dotprompt and Langfuse files as one library', async () => {
		const r = await libraryFromFiles(
			withinFolder([
				{ path: 'prompts/support/reply.prompty', text: 'system:\nYou help {{ company }}.\n' },
				{ path: 'prompts/greet.prompt', text: 'Hello {{name}}!' },
				{
					path: 'prompts/lookup.json',
					text: JSON.stringify({
						name: 'kb/lookup',
						version: 1,
						type: 'text',
						prompt: 'Find {{q}}',
						config: {},
						labels: ['production'],
						tags: []
					})
				}
			])
		);
		if (!r.ok) throw new Error(r.problems.join('\n'));
		expect(r.library.prompts.map((p) => p.name).sort()).toEqual(['greet', 'lookup', 'reply']);
		expect(r.library.folders.map((f) => f.name).sort()).toEqual(['kb', 'support']);
		expect(r.library.labels.map((l) => l.name)).toEqual(['production']);
	});

	it('lists every problem as file:line:col and imports nothing', async () => {
		const r = await libraryFromFiles([
			{ path: 'a.prompty', text: '---\nmodel:\n  api: chatty\n---\nhi\n' },
			{ path: 'b.prompt', text: '{{history}}' }
		]);
		expect(r).toEqual({
			ok: false,
			problems: [
				'a.prompty:3:8: error: must be "chat" or "completion", got "chatty" (model.api)',
				expect.stringMatching(/^b\.prompt:1:1: error: `\{\{history\}\}`/)
			]
		});
	});
});
