import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliFolder, runCli } from '../../../tests/support/cli';

const cli = cliFolder('redact');
const KEY = 'sk_live_Zx81Lm0qPw72ReTy5UiOpA9s';

describe('promptloom redact', () => {
	it('replaces PII and secrets with numbered placeholders and exits 1', async () => {
		await writeFile(
			join(cli.dir, 'p.txt'),
			`Refund card 4111 1111 1111 1111 for a@example.com (cc b@example.com, a@example.com). Key ${KEY}.\n`
		);
		expect(await cli.run('redact', 'p.txt')).toEqual({
			code: 1,
			stdout:
				'Refund card <CREDIT_CARD_1> for <EMAIL_1> (cc <EMAIL_2>, <EMAIL_1>). Key <STRIPE_KEY_1>.\n',
			stderr: ''
		});
	});

	it('--kinds limits what is redacted; clean text is printed unchanged with exit 0', async () => {
		await writeFile(join(cli.dir, 'p.txt'), `a@example.com ${KEY}`);
		expect((await cli.run('redact', 'p.txt', '--kinds', 'secrets')).stdout).toBe(
			'a@example.com <STRIPE_KEY_1>'
		);
		await writeFile(join(cli.dir, 'ok.txt'), 'Nothing to hide.');
		expect(await cli.run('redact', 'ok.txt')).toEqual({
			code: 0,
			stdout: 'Nothing to hide.',
			stderr: ''
		});
	});

	it('--jsonl prints {text, findings} per line: the redacted text and where each value was, never the values', async () => {
		const input = `${JSON.stringify({ id: 7, text: 'call +1 (415) 555-2671' })}\n"plain"\n`;
		const r = await runCli(['redact', '--jsonl', '-'], cli.dir, {}, input);
		expect(r.code).toBe(1);
		expect(
			r.stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l))
		).toEqual([
			{
				text: 'call <PHONE_1>',
				findings: [
					{
						kind: 'pii',
						type: 'PHONE_NUMBER',
						start: 5,
						end: 22,
						score: expect.any(Number),
						severity: expect.any(String)
					}
				]
			},
			{ text: 'plain', findings: [] }
		]);
		expect(r.stdout).not.toContain('555-2671');
	});

	it('exits 2 for usage errors', async () => {
		expect((await cli.run('redact')).code).toBe(2);
		expect((await cli.run('redact', 'nope.txt')).code).toBe(2);
		expect((await cli.run('redact', 'a', 'b')).code).toBe(2);
	});
});
