import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validLibraryFixture } from '../io/library-fixture.testing';
import { createLibraryFile, type LibraryFile } from '../io/library-schema';
import type { Folder, Prompt } from '../model/prompt';
import { readPrompty, writePrompty } from './prompty';
import { folderToLibrary, libraryToFolder, SIDECAR_PATH } from './prompty-folder';
import { decodeSegment, encodeSegment } from './paths';

// ---- generators ---------------------------------------------------------------------------

/** Text with the characters that break naive formats: role lines, `---`, `{##}`, CR, tabs, unicode. */
const tricky = fc.constantFrom(
	'user:',
	'system:',
	'  # Assistant :',
	'tools:',
	'user[name="x"]:',
	'{##}user:',
	'{##}{##}system:',
	'---',
	'--- ',
	'\r',
	'\r\n',
	'\t',
	' ',
	'\n',
	'\n\n',
	'\u2028',
	'\u0085',
	'\uFEFF',
	'é',
	'🙂',
	'{{ name }}',
	'"quoted"',
	"'",
	': ',
	'# c',
	'- item',
	'null',
	'true',
	'1.5',
	'&a',
	'*a',
	'!tag'
);
const text = fc
	.array(
		fc.oneof(tricky, fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })),
		{
			maxLength: 8
		}
	)
	.map((parts) => parts.join(''));
/** A template that parses (the reader checks template syntax): `{` never opens a tag but in `{##}`. */
const templateText = text.map((s) =>
	s.replace(/\{##\}|\{(?=[{%#])/g, (m) => (m === '{##}' ? m : '{ '))
);
const safeTemplate = fc.oneof(
	templateText,
	fc.constant('Hello {{ name }}!\n{% if x %}yes{% endif %}\n')
);
const slug = fc.stringMatching(/^[a-z0-9]{1,6}(?:[-_.][a-z0-9]{1,4}){0,2}$/);
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });

const customField = fc.oneof(
	fc.record({
		key: fc.string({ minLength: 1, maxLength: 10 }),
		type: fc.constant('string' as const),
		value: text
	}),
	fc.record({
		key: fc.string({ minLength: 1, maxLength: 10 }),
		type: fc.constant('number' as const),
		value: fc
			.double({ noNaN: true, noDefaultInfinity: true })
			.map((n) => (Object.is(n, -0) ? 0 : n))
	}),
	fc.record({
		key: fc.string({ minLength: 1, maxLength: 10 }),
		type: fc.constant('boolean' as const),
		value: fc.boolean()
	}),
	fc.record({
		key: fc.string({ minLength: 1, maxLength: 10 }),
		type: fc.constant('date' as const),
		value: time.map((t) => new Date(t).toISOString())
	}),
	fc.record({
		key: fc.string({ minLength: 1, maxLength: 10 }),
		type: fc.constant('url' as const),
		value: fc.webUrl()
	})
);

const json: fc.Arbitrary<unknown> = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)));

const prompt = (id: string, name: string, folderIds: string[]): fc.Arbitrary<Prompt> =>
	fc
		.record({
			type: fc.constantFrom('text' as const, 'chat' as const),
			content: safeTemplate,
			messages: fc.array(
				fc.record({
					role: fc.constantFrom('system' as const, 'user' as const, 'assistant' as const),
					content: safeTemplate
				}),
				{ maxLength: 4 }
			),
			description: text,
			tags: fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 4 }),
			intent: text,
			author: text,
			modelConfig: fc.record(
				{
					model: fc.oneof(
						fc.constant(''),
						fc.constantFrom('gpt-4o', 'claude-3-5-sonnet'),
						fc.string({ maxLength: 10 })
					),
					temperature: fc
						.double({ min: 0, max: 2, noNaN: true })
						.map((n) => (Object.is(n, -0) ? 0 : n)),
					maxTokens: fc.integer({ min: 1, max: 100_000 }),
					params: fc.dictionary(
						fc.oneof(
							fc.constantFrom('top_p', 'temperature', 'max_tokens', 'stop'),
							fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__')
						),
						json,
						{ maxKeys: 3 }
					)
				},
				{ requiredKeys: ['model', 'params'] }
			),
			customFields: fc.uniqueArray(customField, { selector: (f) => f.key, maxLength: 3 }),
			templateOptions: fc.record({ trimBlocks: fc.boolean(), lstripBlocks: fc.boolean() }),
			folderId: fc.constantFrom(null, ...folderIds),
			createdAt: time,
			updatedAt: time,
			deletedAt: fc.option(time, { nil: null })
		})
		.map((r) => ({
			id,
			name,
			...r,
			// A library keeps a text prompt's messages and a chat prompt's content empty.
			content: r.type === 'text' ? r.content : '',
			messages: r.type === 'chat' ? r.messages : [],
			projectId: null
		}));

const folderName = fc
	.oneof(
		fc.constantFrom(
			'support',
			'Support',
			'a:b',
			'CON',
			'x.',
			' lead',
			'..',
			'.',
			'%41',
			'é',
			'a\\b',
			'a*?',
			'~2'
		),
		fc.string({ minLength: 1, maxLength: 8 })
	)
	.filter((n) => !n.includes('/'));

const library = fc
	.record({
		folderNames: fc.array(folderName, { maxLength: 5 }),
		names: fc.uniqueArray(slug, { minLength: 0, maxLength: 5 })
	})
	.chain(({ folderNames, names }) => {
		const folders: Folder[] = folderNames.map((name, i) => ({
			id: `f${i}`,
			name,
			parentId: i > 0 && i % 2 === 0 ? `f${i - 1}` : null,
			createdAt: i,
			updatedAt: i + 1
		}));
		return fc
			.tuple(
				...names.map((n, i) =>
					prompt(
						`p${i}`,
						n,
						folders.map((f) => f.id)
					)
				)
			)
			.map((prompts) =>
				createLibraryFile({ exportedAt: '2024-05-01T12:00:00.000Z', prompts, folders })
			);
	});

/** The library with its prompts in id order (a folder lists files by path, not in the library's order). */
const byId = (lib: LibraryFile): LibraryFile => ({
	...lib,
	prompts: [...lib.prompts].sort((a, b) => (a.id < b.id ? -1 : 1))
});

// ---- tests --------------------------------------------------------------------------------

describe('Prompty files', () => {
	it('gives back every prompt exactly (property: chat and text, unicode, odd whitespace, role-like lines)', () => {
		fc.assert(
			fc.property(library, (lib) => {
				for (const p of lib.prompts) {
					const r = readPrompty(writePrompty(p), {
						fileName: `${p.name}.prompty`,
						folderId: p.folderId
					});
					if (!r.ok) throw new Error(JSON.stringify(r.issues));
					expect(r.value.prompt).toEqual(p);
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('keeps text whose first line is only spaces (the YAML writer alone loses them)', async () => {
		const [p] = (await validLibraryFixture()).prompts;
		for (const text of [' \n\n', '  lead', '\t\n x', ' ']) {
			const prompt = { ...p, intent: text, description: text };
			const r = readPrompty(writePrompty(prompt), {
				fileName: `${p.name}.prompty`,
				folderId: p.folderId
			});
			if (!r.ok) throw new Error(JSON.stringify(r.issues));
			expect(r.value.prompt).toEqual(prompt);
		}
	});

	it('library → Prompty folder → library is lossless (property)', () => {
		fc.assert(
			fc.property(library, (lib) => {
				const files = libraryToFolder(lib);
				const back = folderToLibrary(files);
				if (!back.ok) throw new Error(JSON.stringify(back.issues));
				expect(byId(back.library)).toEqual(byId(lib));
				// The files are where a person expects them: one per prompt, named after it.
				expect(files.filter((f) => f.path.endsWith('.prompty')).length).toBe(lib.prompts.length);
			}),
			{ numRuns: 200 }
		);
	});

	it('keeps versions, labels and branches of a real library through the folder', async () => {
		const lib = await validLibraryFixture();
		const back = folderToLibrary(libraryToFolder(lib));
		if (!back.ok) throw new Error(JSON.stringify(back.issues));
		expect(byId(back.library)).toEqual(byId(lib));
	});

	it('writes a file Prompty reads: front matter, then role lines', () => {
		const text = writePrompty(
			{
				id: 'p1',
				name: 'support-reply',
				type: 'chat',
				content: '',
				messages: [
					{ role: 'system', content: 'You answer for {{ company }}.' },
					{ role: 'user', content: '{{ question }}' }
				],
				description: 'Answers a support question',
				tags: ['support'],
				intent: 'answer',
				author: 'Ana',
				modelConfig: { model: 'gpt-4o-mini', temperature: 0.3, params: {} },
				customFields: [],
				templateOptions: { trimBlocks: false, lstripBlocks: false },
				folderId: null,
				projectId: null,
				createdAt: 0,
				updatedAt: 0,
				deletedAt: null
			},
			{ identity: false }
		);
		expect(text).toBe(
			[
				'---',
				'name: support-reply',
				'description: Answers a support question',
				'authors:',
				'  - Ana',
				'tags:',
				'  - support',
				'model:',
				'  api: chat',
				'  configuration:',
				'    name: gpt-4o-mini',
				'  parameters:',
				'    temperature: 0.3',
				'metadata:',
				'  promptloom:',
				'    intent: answer',
				'---',
				'',
				'system:',
				'You answer for {{ company }}.',
				'',
				'user:',
				'{{ question }}',
				''
			].join('\n')
		);
	});

	it('reads a Prompty file written by hand (Prompty sample keys, no Promptloom section)', () => {
		const r = readPrompty(
			[
				'---',
				'name: Basic Prompt',
				'description: A basic prompt',
				'authors: [Seth, Ana]',
				'model:',
				'  api: chat',
				'  configuration:',
				'    type: azure_openai',
				'    azure_deployment: gpt-35-turbo',
				'  parameters:',
				'    max_tokens: 128',
				'    top_p: 0.9',
				'sample:',
				'  firstName: Jane',
				'---',
				'system:',
				'You are an AI assistant who helps people find information.',
				'# Customer',
				'You are helping {{firstName}}.',
				'',
				'user:',
				'{{question}}',
				''
			].join('\n'),
			{ fileName: 'prompts/basic.prompty', now: 5, newId: () => 'new' }
		);
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		expect(r.value.prompt).toMatchObject({
			id: 'new',
			name: 'basic',
			type: 'chat',
			author: 'Seth, Ana',
			modelConfig: { model: 'gpt-35-turbo', maxTokens: 128, params: { top_p: 0.9 } },
			messages: [
				{
					role: 'system',
					content:
						'You are an AI assistant who helps people find information.\n# Customer\nYou are helping {{firstName}}.'
				},
				{ role: 'user', content: '{{question}}' }
			],
			createdAt: 5
		});
		expect(r.value.sample).toEqual({ firstName: 'Jane' });
		expect(r.value.sections.map((s) => [s.role, s.roleLine, s.startLine, s.endLine])).toEqual([
			['system', 16, 17, 19],
			['user', 21, 22, 22]
		]);
	});

	it('reports each problem at its line and column', () => {
		const r = readPrompty(
			[
				'---',
				'name: x',
				'tags: [ok, 3]',
				'model:',
				'  api: chatty',
				'  parameters:',
				'    temperature: 7',
				'template: handlebars',
				'---',
				'system:',
				'Hello {{ name',
				'function:',
				'x',
				''
			].join('\n'),
			{ fileName: 'x.prompty' }
		);
		expect(r.ok).toBe(false);
		const where = r.issues
			.filter((i) => i.severity === 'error')
			.map((i) => `${i.line}:${i.column} ${i.message}`);
		expect(where).toEqual([
			'8:11 template format "handlebars" is not supported: Promptloom templates are Jinja2',
			'5:8 must be "chat" or "completion", got "chatty"',
			'7:18 temperature must be a number from 0 to 2',
			'12:1 role "function" is not supported: a message is system, user or assistant',
			expect.stringMatching(/^11:\d+ template: unexpected end/)
		]);
	});

	it('reports broken YAML and an unclosed front matter with their positions', () => {
		const yaml = readPrompty('---\nname: x\ntags: [a, b\n---\nhi\n', { fileName: 'x.prompty' });
		expect(yaml.ok).toBe(false);
		expect(yaml.issues[0]).toMatchObject({ severity: 'error', line: expect.any(Number) });
		expect(yaml.issues[0].line).toBeGreaterThanOrEqual(3);
		const open = readPrompty('---\nname: x\n', { fileName: 'x.prompty' });
		expect(open.issues[0]).toMatchObject({
			line: 1,
			column: 1,
			message: expect.stringContaining('not closed')
		});
		const bomb = readPrompty(
			'---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n',
			{ fileName: 'x.prompty' }
		);
		expect(bomb.ok).toBe(false);
	});

	it('reads a file with Windows line endings like one with "\\n"', () => {
		const r = readPrompty(
			'---\r\nname: x\r\nmodel:\r\n  api: chat\r\n---\r\n\r\nsystem:\r\nHi\r\n\r\nuser:\r\nthere\r\n',
			{
				fileName: 'x.prompty'
			}
		);
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		expect(r.value.prompt.messages).toEqual([
			{ role: 'system', content: 'Hi' },
			{ role: 'user', content: 'there' }
		]);
	});

	it('names a folder safely as a directory and back', () => {
		fc.assert(
			fc.property(folderName, (name) => {
				const seg = encodeSegment(name);
				expect(seg).not.toMatch(/[/\\:*?"<>|]/);
				expect(seg).not.toMatch(/^[ .]|[ .]$/);
				expect(decodeSegment(seg)).toBe(name);
			})
		);
	});

	it('reads a folder without .promptloom/ (from elsewhere), directories as folders', () => {
		const r = folderToLibrary(
			[
				{
					path: 'support/billing/refund.prompty',
					text: '---\nmodel:\n  api: completion\n---\nRefund {{ order }}\n'
				},
				{ path: 'support/greet.prompty', text: 'system:\nHi\n' },
				{ path: '.git/x.prompty', text: 'ignored' },
				{ path: 'notes.md', text: 'ignored' }
			],
			{ now: 1 }
		);
		if (!r.ok) throw new Error(JSON.stringify(r.issues));
		const { prompts, folders } = r.library;
		expect(prompts.map((p) => p.name).sort()).toEqual(['greet', 'refund']);
		const byId = new Map(folders.map((f) => [f.id, f]));
		const refund = prompts.find((p) => p.name === 'refund')!;
		expect(refund.content).toBe('Refund {{ order }}');
		expect(byId.get(refund.folderId!)?.name).toBe('billing');
		expect(byId.get(byId.get(refund.folderId!)!.parentId!)?.name).toBe('support');
	});

	it('refuses two files with the same prompt name and a broken sidecar, naming the files', () => {
		const r = folderToLibrary([
			{ path: 'a/x.prompty', text: 'hi\n' },
			{ path: 'b/x.prompty', text: 'hi\n' },
			{ path: SIDECAR_PATH, text: '{"format":' }
		]);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.issues.map((i) => i.file)).toEqual([SIDECAR_PATH, 'b/x.prompty']);
		expect(r.issues[1].issue.message).toContain('already used by a/x.prompty');
	});
});
