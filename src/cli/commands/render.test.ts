import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliFolder } from '../../../tests/support/cli';

const cli = cliFolder('render', { scope: 'all' });
const run = (...args: string[]) => cli.run('render', ...args);

beforeAll(async () => {
	const files: Record<string, string> = {
		'hello.j2': 'Hello {{ name }}!\n{% for i in items %}\n- {{ i }}\n{% endfor %}\n',
		'vars.json': '{"name": "Ann", "items": [1, 2]}',
		'bad-vars.json': '{"name": ',
		'syntax.j2': 'line one\n  {{ name + }}',
		'loop.j2': '{% for i in range(100000000) %}x{% endfor %}',
		'unsafe.j2': '{{ range.constructor("return process")() }}',
		'chat.yaml':
			'- role: system\n  content: You help {{ name }}.\n- role: user\n  content: "{{ items | json }}"\n'
	};
	for (const [name, text] of Object.entries(files)) await writeFile(join(cli.dir, name), text);
});

describe('promptloom render', () => {
	it('prints the rendered text, with Jinja2 whitespace defaults or trim/lstrip on request', async () => {
		expect(await run('hello.j2', '--vars', 'vars.json')).toEqual({
			code: 0,
			stdout: 'Hello Ann!\n\n- 1\n\n- 2\n',
			stderr: ''
		});
		expect(
			(await run('hello.j2', '--vars', 'vars.json', '--trim-blocks', '--lstrip-blocks')).stdout
		).toBe('Hello Ann!\n- 1\n- 2\n');
	});

	it('prints {"output": …} with --format json and warns about missing variables on stderr', async () => {
		const r = await run('hello.j2', '--format', 'json', '--trim-blocks');
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout)).toEqual({ output: 'Hello !\n' });
		expect(r.stderr).toContain('warning: variable "name" is used but has no value');
	});

	it('renders a chat file to messages', async () => {
		const text = await run('chat.yaml', '--chat', '--vars', 'vars.json');
		expect(text.stdout).toBe('[system]\nYou help Ann.\n\n[user]\n[1, 2]\n');
		const json = await run('chat.yaml', '--chat', '--vars', 'vars.json', '--format', 'json');
		expect(JSON.parse(json.stdout).output).toEqual([
			{ role: 'system', content: 'You help Ann.' },
			{ role: 'user', content: '[1, 2]' }
		]);
	});

	it('prints syntax errors as file:line:col and exits 1', async () => {
		const r = await run('syntax.j2');
		expect(r.code).toBe(1);
		expect(r.stderr).toBe('syntax.j2:2:13: unexpected "}}" (Unexpected token: CloseExpression)\n');
	});

	it('exits 2 on a limit violation', async () => {
		const loop = await run('loop.j2');
		expect(loop.code).toBe(2);
		expect(loop.stderr).toContain('render limit exceeded');
	});

	it('cannot reach JavaScript through a template: the member is simply not there (exit 1)', async () => {
		const unsafe = await run('unsafe.j2');
		expect(unsafe.code).toBe(1);
		expect(unsafe.stderr).toContain('Cannot call something that is not a function');
		expect(unsafe.stdout).toBe('');
	});

	it('exits 1 with a specific message for a missing file, bad vars JSON or a non-chat file', async () => {
		expect(await run('nope.j2')).toMatchObject({
			code: 1,
			stderr: 'promptloom render: cannot read template file "nope.j2": no such file\n'
		});
		const bad = await run('hello.j2', '--vars', 'bad-vars.json');
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/^promptloom render: bad vars file "bad-vars.json": /);
		expect((await run('hello.j2', '--chat')).stderr).toContain('bad chat file "hello.j2"');
	});
});
