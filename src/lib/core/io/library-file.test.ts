import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isPromptloomError } from '../model/errors';
import { LibraryFileError } from './issues';
import type { LibraryIssue } from './issues';
import { parseLibrary, serializeLibrary, validateLibrary } from './library-file';
import type { LibraryFile } from './library-schema';
import { validLibraryFixture } from './library-fixture.testing';

type Json = Record<string, unknown> & {
	prompts: Record<string, unknown>[];
	folders: Record<string, unknown>[];
	versions: Record<string, unknown>[];
	branches: Record<string, unknown>[];
	labels: Record<string, unknown>[];
};

async function fixtureJson(): Promise<Json> {
	return JSON.parse(JSON.stringify(await validLibraryFixture())) as Json;
}

function errorsOf(data: unknown): LibraryIssue[] {
	const result = validateLibrary(JSON.stringify(data), 'json');
	if (result.ok) throw new Error('expected the library to be invalid');
	return result.errors;
}

describe('library file round trips', () => {
	it('JSON → YAML → JSON gives back the same library and the same JSON text', async () => {
		const lib = await validLibraryFixture();
		const json = serializeLibrary(lib, 'json');
		const fromJson = parseLibrary(json, 'json');
		expect(fromJson).toEqual(lib);
		const yaml = serializeLibrary(fromJson, 'yaml');
		const fromYaml = parseLibrary(yaml, 'yaml');
		expect(fromYaml).toEqual(lib);
		expect(serializeLibrary(fromYaml, 'json')).toBe(json);
	});

	it('keeps arbitrary prompt text intact through YAML', () => {
		const tricky = fc.constantFrom(
			'',
			' leading and trailing ',
			'---\n...\n# not a comment',
			'yes',
			'0x1F',
			'key: value',
			'line\r\nwindows',
			'\ttab\n\n\ntrailing newlines\n\n',
			'{{ var }} {% if x %}y{% endif %}',
			'emoji 🧵 and 漢字'
		);
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), tricky), (text) => {
				const lib = parseLibrary(
					JSON.stringify({
						format: 'promptloom-library',
						version: 1,
						exportedAt: '2024-01-01T00:00:00Z',
						prompts: [
							{
								id: 'p',
								name: 'p',
								type: 'text',
								content: text,
								messages: [],
								description: text,
								modelConfig: { model: 'm', params: { note: text } },
								createdAt: 0,
								updatedAt: 0
							}
						]
					})
				);
				const back = parseLibrary(serializeLibrary(lib, 'yaml'), 'yaml');
				expect(back.prompts[0].content).toBe(text);
				expect(back.prompts[0].description).toBe(text);
				expect(back.prompts[0].modelConfig.params.note).toBe(text);
			}),
			{ numRuns: 80 }
		);
	});

	it('writes keys in a stable order whatever order the objects were built in', async () => {
		const lib = await validLibraryFixture();
		const reversed = (v: unknown): unknown =>
			Array.isArray(v)
				? v.map(reversed)
				: v && typeof v === 'object'
					? Object.fromEntries(
							Object.entries(v)
								.reverse()
								.map(([k, x]) => [k, reversed(x)])
						)
					: v;
		const shuffled = reversed(lib) as LibraryFile;
		expect(serializeLibrary(shuffled, 'json')).toBe(serializeLibrary(lib, 'json'));
		expect(serializeLibrary(shuffled, 'yaml')).toBe(serializeLibrary(lib, 'yaml'));
		const json = serializeLibrary(lib, 'json');
		expect(
			json.startsWith('{\n  "format": "promptloom-library",\n  "version": 1,\n  "exportedAt"')
		).toBe(true);
		expect(Object.keys(JSON.parse(json).prompts[0]).slice(0, 3)).toEqual(['id', 'name', 'type']);
	});

	it('writes shared objects in full in YAML, never as anchors and aliases', async () => {
		const lib = await validLibraryFixture();
		lib.prompts[1].modelConfig = lib.prompts[0].modelConfig;
		const yaml = serializeLibrary(lib, 'yaml');
		expect(yaml).not.toMatch(/[&*]a\d/);
		expect(parseLibrary(yaml).prompts[1].modelConfig).toEqual(lib.prompts[0].modelConfig);
	});

	it('defaults missing collections and optional prompt fields', () => {
		const lib = parseLibrary(
			'{"format":"promptloom-library","version":1,"exportedAt":"2024-01-01T00:00:00Z","prompts":[' +
				'{"id":"a","name":"a","type":"text","content":"hi","messages":[],"modelConfig":{"model":"m"},"createdAt":1,"updatedAt":1}]}'
		);
		expect(lib.folders).toEqual([]);
		expect(lib.versions).toEqual([]);
		expect(lib.datasets).toEqual([]);
		expect(lib.prompts[0]).toMatchObject({
			tags: [],
			folderId: null,
			deletedAt: null,
			modelConfig: { params: {} }
		});
	});

	it('keeps dataset entries as they are', async () => {
		const lib = parseLibrary(serializeLibrary(await validLibraryFixture(), 'yaml'));
		expect(lib.datasets).toEqual([
			{ id: 'ds-1', name: 'emails', rows: [{ text: 'hi', expected: 'greeting' }] }
		]);
	});

	it('auto-detects YAML and ignores a byte-order mark', async () => {
		const yaml = serializeLibrary(await validLibraryFixture(), 'yaml');
		expect(parseLibrary('\uFEFF' + yaml).prompts).toHaveLength(3);
		const json = serializeLibrary(await validLibraryFixture(), 'json');
		expect(parseLibrary('\uFEFF' + json).prompts).toHaveLength(3);
	});

	it('accepts two prompts with the same name when one is in the trash', async () => {
		const result = validateLibrary(JSON.stringify(await fixtureJson()));
		expect(result.ok).toBe(true);
		if (result.ok)
			expect(result.summary).toEqual({
				prompts: 3,
				folders: 2,
				projects: 1,
				versions: 2,
				branches: 1,
				labels: 1,
				labelEvents: 1,
				datasets: 1
			});
	});
});

describe('library file validation errors name the entry and the field', () => {
	it('reports a field out of range with the prompt name in the path', async () => {
		const data = await fixtureJson();
		(data.prompts[0].modelConfig as Record<string, unknown>).temperature = 3;
		expect(errorsOf(data)).toEqual([
			{
				path: 'prompts[0] ("summarize-email").modelConfig.temperature',
				message: 'must be at most 2'
			}
		]);
	});

	it('reports missing, mistyped and invalid fields, every one of them', async () => {
		const data = await fixtureJson();
		delete data.prompts[1].modelConfig;
		data.prompts[1].type = 'audio';
		data.prompts[0].createdAt = '2024-01-01';
		data.prompts[0].name = 'Summarize Email';
		data.folders[0].name = '';
		expect(errorsOf(data)).toEqual([
			{
				path: 'prompts[0] ("Summarize Email").name',
				message:
					'name must be a slug: lowercase letters, digits, and single "-", "_" or "." between them'
			},
			{
				path: 'prompts[0] ("Summarize Email").createdAt',
				message: 'must be a number, got string "2024-01-01"'
			},
			{
				path: 'prompts[1] ("support-chat").type',
				message: 'must be one of "text", "chat", got string "audio"'
			},
			{ path: 'prompts[1] ("support-chat").modelConfig', message: 'is required' },
			{ path: 'folders[0].name', message: 'folder name is empty' }
		]);
	});

	it('reports an entry that is not an object and a collection that is not an array, without cascading', async () => {
		const data = await fixtureJson();
		data.prompts.push('oops' as never);
		data.projects = { id: 'x' };
		expect(errorsOf(data)).toEqual([
			{ path: 'prompts[3]', message: 'must be an object, got string "oops"' },
			{ path: 'projects', message: 'must be an array, got an object' }
		]);
	});

	it('reports duplicate prompt ids and duplicate names among prompts not in the trash', async () => {
		const data = await fixtureJson();
		data.prompts[1].id = 'p-sum';
		data.prompts[2].deletedAt = null;
		expect(errorsOf(data)).toEqual([
			{
				path: 'prompts[1] ("support-chat").id',
				message: 'duplicate id "p-sum" (also prompts[0] ("summarize-email"))'
			},
			{
				path: 'prompts[2] ("summarize-email").name',
				message:
					'duplicate name "summarize-email" (also prompts[0] ("summarize-email")); prompt names must be unique in the workspace'
			}
		]);
	});

	it('reports folders whose parent is missing and folder cycles', async () => {
		const data = await fixtureJson();
		data.folders[0].parentId = 'f-email';
		data.folders.push({
			id: 'f-lost',
			name: 'Lost',
			parentId: 'f-gone',
			createdAt: 0,
			updatedAt: 0
		});
		data.folders.push({
			id: 'f-self',
			name: 'Self',
			parentId: 'f-self',
			createdAt: 0,
			updatedAt: 0
		});
		expect(errorsOf(data)).toEqual([
			{
				path: 'folders[0] ("Work").parentId',
				message: 'folders form a cycle (each is inside the next): "Work" → "Email" → "Work"'
			},
			{ path: 'folders[2] ("Lost").parentId', message: 'folder "f-gone" does not exist' },
			{
				path: 'folders[3] ("Self").parentId',
				message: 'folders form a cycle (each is inside the next): "Self" → "Self"'
			}
		]);
	});

	it('reports prompts in a missing folder or project', async () => {
		const data = await fixtureJson();
		data.prompts[1].folderId = 'f-nowhere';
		data.prompts[1].projectId = 'proj-nowhere';
		expect(errorsOf(data)).toEqual([
			{
				path: 'prompts[1] ("support-chat").folderId',
				message: 'folder "f-nowhere" does not exist'
			},
			{
				path: 'prompts[1] ("support-chat").projectId',
				message: 'project "proj-nowhere" does not exist'
			}
		]);
	});

	it('reports versions of missing prompts and missing parent versions', async () => {
		const data = await fixtureJson();
		const v1 = data.versions[1];
		const missing = 'a'.repeat(64);
		v1.parents = [missing];
		v1.promptId = 'p-gone';
		const label = `versions[1] (${String(v1.id).slice(0, 12)})`;
		const errors = errorsOf(data);
		expect(errors).toContainEqual({
			path: `${label}.promptId`,
			message: 'prompt "p-gone" does not exist'
		});
		expect(errors).toContainEqual({
			path: `${label}.parents[0]`,
			message: `parent version ${missing} does not exist`
		});
	});

	it('reports branch and label heads that are missing or belong to another prompt', async () => {
		const data = await fixtureJson();
		const missing = 'b'.repeat(64);
		data.branches[0].head = missing;
		data.labels[0].promptId = 'p-chat';
		const v0 = String(data.versions[0].id);
		expect(errorsOf(data)).toEqual([
			{ path: 'branches[0] ("main").head', message: `version ${missing} does not exist` },
			{
				path: 'labels[0] ("production").versionId',
				message: `version ${v0} belongs to prompt "summarize-email", not "support-chat"`
			}
		]);
	});

	it('reports a label present twice for one prompt', async () => {
		const data = await fixtureJson();
		data.labels.push({ ...data.labels[0], updatedAt: 9 });
		expect(errorsOf(data)).toEqual([
			{
				path: 'labels[1] ("production").name',
				message:
					'label "production" appears twice for prompt "summarize-email" (also labels[0] ("production"))'
			}
		]);
	});

	it('rejects a version id that is not a SHA-256', async () => {
		const data = await fixtureJson();
		data.versions[0].id = 'v1';
		const errors = errorsOf(data);
		expect(errors[0]).toEqual({
			path: 'versions[0] (v1).id',
			message: 'must be a version id (64 lowercase hex characters of a SHA-256)'
		});
	});

	it('reports unknown top-level keys and a bad export date', async () => {
		const data = await fixtureJson();
		data.prompt = [];
		data.exportedAt = 'yesterday';
		expect(errorsOf(data)).toEqual([
			{
				path: 'exportedAt',
				message: 'must be an ISO 8601 date-time such as 2024-05-01T12:00:00.000Z'
			},
			{
				path: 'prompt',
				message:
					'unknown top-level key (expected one of format, version, exportedAt, workspace, prompts, folders, projects, versions, branches, labels, labelEvents, datasets)'
			}
		]);
	});

	it('stops at a wrong format marker or an unsupported version, with a specific error', async () => {
		const data = await fixtureJson();
		expect(errorsOf({ ...data, format: 'langfuse-export' })).toEqual([
			{
				path: 'format',
				message:
					'expected "promptloom-library", got string "langfuse-export": this is not a promptloom library file'
			}
		]);
		expect(errorsOf({ prompts: [] })).toEqual([
			{
				path: 'format',
				message:
					'is missing: this is not a promptloom library file (expected format "promptloom-library")'
			}
		]);
		expect(errorsOf({ ...data, version: 2, prompts: 'ignored' })).toEqual([
			{
				path: 'version',
				message:
					'unsupported library file version number 2; this promptloom reads version 1 (the file was written by a newer promptloom)'
			}
		]);
		expect(errorsOf([1, 2])).toEqual([
			{ path: '(root)', message: 'must be an object (a promptloom library), got an array' }
		]);
	});

	it('gives JSON syntax errors with line and column', () => {
		const text = '{\n  "format": "promptloom-library",\n  "version": 1\n  "prompts": []\n}';
		expect(validateLibrary(text)).toEqual({
			ok: false,
			errors: [
				{
					path: 'line 4, column 3',
					message: 'JSON syntax error: expected "," or "}" after property value, found "\\""'
				}
			]
		});
		expect(validateLibrary('{"a": [1, 2,]}', 'json')).toEqual({
			ok: false,
			errors: [
				{ path: 'line 1, column 13', message: 'JSON syntax error: trailing comma before "]"' }
			]
		});
	});

	it('gives YAML syntax errors with line and column', () => {
		const text =
			'format: promptloom-library\nversion: 1\nprompts:\n  - id: a\n   name: "unclosed\n';
		const result = validateLibrary(text, 'yaml');
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.errors.length).toBeGreaterThan(0);
			expect(result.errors[0].path).toMatch(/^line [45], column \d+$/);
			expect(result.errors[0].message).toMatch(/^YAML syntax error: /);
		}
		expect(validateLibrary('a: 1\na: 2\n', 'yaml')).toMatchObject({
			ok: false,
			errors: [{ path: 'line 2, column 1', message: 'YAML syntax error: Map keys must be unique' }]
		});
	});

	it('rejects an empty file', () => {
		expect(validateLibrary('  \n')).toEqual({
			ok: false,
			errors: [{ path: '(root)', message: 'the file is empty' }]
		});
	});

	it('parseLibrary throws an import error listing every problem, capped at 50', async () => {
		const data = await fixtureJson();
		for (let i = 0; i < 60; i++)
			data.prompts.push({
				...data.prompts[1],
				id: `extra-${i}`,
				name: `extra-${i}`,
				updatedAt: -1
			});
		let caught: unknown;
		try {
			parseLibrary(JSON.stringify(data));
		} catch (e) {
			caught = e;
		}
		expect(isPromptloomError(caught, 'import')).toBe(true);
		const error = caught as LibraryFileError;
		expect(error).toBeInstanceOf(LibraryFileError);
		expect(error.issues).toHaveLength(60);
		expect(error.path).toBe('prompts[3] ("extra-0").updatedAt');
		const lines = error.message.split('\n');
		expect(lines[0]).toBe('invalid library file: 60 problems');
		expect(lines[1]).toBe('  prompts[3] ("extra-0").updatedAt: must be at least 0');
		expect(lines).toHaveLength(52);
		expect(lines[51]).toBe('  … and 10 more');
	});
});

describe('library file collections', () => {
	it('treats a missing collection as empty but rejects null', async () => {
		const data = await fixtureJson();
		delete data.labelEvents;
		expect(validateLibrary(JSON.stringify(data)).ok).toBe(true);
		expect(errorsOf({ ...data, labelEvents: null })).toEqual([
			{ path: 'labelEvents', message: 'must be an array, got null' }
		]);
	});

	it('lists thousands of problems without failing', () => {
		const prompts = Array.from({ length: 5000 }, (_, i) => ({
			id: 'same',
			name: `p-${i}`,
			folderId: 'x'
		}));
		const result = validateLibrary(
			JSON.stringify({
				format: 'promptloom-library',
				version: 1,
				exportedAt: '2024-01-01T00:00:00Z',
				prompts
			})
		);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.length).toBeGreaterThan(5000 * 3);
	});
});
