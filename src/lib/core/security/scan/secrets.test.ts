import { describe, expect, it } from 'vitest';
import { scanSecrets } from './secrets';

const R = 'Zx81Lm0qPw72ReTy5UiOpA9sDfGh3Jk4Lz6Xc7Vb8Nm9Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc1Vb2Nm3';
const types = (t: string) => scanSecrets(t).map((f) => [f.type, t.slice(f.start, f.end)]);

describe('scanSecrets', () => {
	it.each([
		['GITHUB_TOKEN', `ghp_${R.slice(0, 36)}`],
		['GITLAB_TOKEN', `glpat-${R.slice(0, 20)}`],
		['AWS_ACCESS_KEY_ID', 'AKIA2E3F4G5H6I7J8K9L'],
		['STRIPE_KEY', `sk_live_${R.slice(0, 24)}`],
		['GOOGLE_API_KEY', `AIza${R.slice(0, 35)}`],
		['OPENAI_API_KEY', `sk-proj-${R.slice(0, 20)}T3BlbkFJ${R.slice(20, 40)}`],
		['ANTHROPIC_API_KEY', `sk-ant-api03-${R}${R.slice(0, 10)}AA`],
		['HUGGINGFACE_TOKEN', `hf_${R.slice(0, 34)}`],
		['NPM_TOKEN', `npm_${R.slice(0, 36)}`],
		['SLACK_TOKEN', `xoxb-730291846502-9381746205163-${R.slice(0, 24)}`]
	])('finds %s', (type, secret) => {
		expect(types(`here: ${secret} ok`)).toEqual([[type, secret]]);
	});

	it('finds the password of a connection string and a generic assignment', () => {
		expect(types('postgres://admin:Hx8kP2mQ9z@db.example:5432/app')).toEqual([
			['URL_CREDENTIALS', 'Hx8kP2mQ9z']
		]);
		expect(types('password: "hunter2Xy9zQw"')).toEqual([['GENERIC_SECRET', 'hunter2Xy9zQw']]);
	});

	it('finds a private key block and a JWT', () => {
		const key = `-----BEGIN RSA PRIVATE KEY-----\n${R}\n-----END RSA PRIVATE KEY-----`;
		expect(types(key)[0][0]).toBe('PRIVATE_KEY');
		const jwt = `${btoa('{"alg":"HS256","typ":"JWT"}').replace(/=+$/, '')}.${btoa('{"sub":"1234"}').replace(/=+$/, '')}.${R.slice(0, 43)}`;
		expect(types(`Bearer ${jwt}`)).toEqual([['JWT', jwt]]);
	});

	it.each([
		'export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
		'Set api_key = "YOUR_API_KEY" before running.',
		'AWS example key AKIAIOSFODNN7EXAMPLE',
		'Authorization: Bearer <token>',
		'const key = process.env.STRIPE_SECRET_KEY;',
		'OPENAI_API_KEY=${OPENAI_API_KEY}',
		'postgres://user:password@localhost:5432/db',
		'The commit 3f786850e387550fdab836ed7e6dc881de23001b broke it.',
		'password=changeme',
		'The password must be at least 12 characters.'
	])('no secret in %s', (text) => {
		expect(scanSecrets(text)).toEqual([]);
	});
});
