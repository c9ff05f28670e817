import { describe, expect, it } from 'vitest';
import { lintPrompt } from './lint-prompt';
import type { LintablePrompt } from './types';

const text = (content: string, maxTokens?: number): LintablePrompt => ({
	type: 'text',
	content,
	messages: [],
	...(maxTokens ? { modelConfig: { maxTokens } } : {})
});
const chat = (
	...messages: [LintablePrompt['messages'][number]['role'], string][]
): LintablePrompt => ({
	type: 'chat',
	content: '',
	messages: messages.map(([role, content]) => ({ role, content }))
});
const ids = (p: LintablePrompt, rule: string) => lintPrompt(p).filter((f) => f.ruleId === rule);

/** A prompt that every rule accepts. */
const CLEAN =
	'You are a support analyst. Classify the customer email in <email> tags as one of: billing, bug, other.\n' +
	'<email>{{ email }}</email>\nAnswer with one word.';

describe('lintPrompt', () => {
	it('accepts a well-formed prompt without findings', () => {
		expect(lintPrompt(text(CLEAN))).toEqual([]);
	});

	it('reports a template syntax error at its position, with error severity first', () => {
		const f = lintPrompt(text('Say hi to {{ name'));
		expect(f[0]).toMatchObject({ ruleId: 'template-syntax', severity: 'error' });
		expect(ids(text(CLEAN), 'template-syntax')).toEqual([]);
	});

	it('no-output-format: flags a prompt that never names a format, not one that does', () => {
		const [f] = ids(text('You are a poet. Think about the sea in winter.'), 'no-output-format');
		expect(f).toMatchObject({
			severity: 'warning',
			span: { text: 'Think about the sea in winter.' }
		});
		expect(f.explanation).toMatch(/format/);
		expect(
			ids(text('You are a poet. Think about the sea. Reply in JSON.'), 'no-output-format')
		).toEqual([]);
		expect(ids(text('Summarize the text as a bulleted list.'), 'no-output-format')).toEqual([]);
	});

	it('undelimited-variable: flags a variable in the middle of a sentence with its exact span', () => {
		const p = text('Summarize {{ article }} for a busy reader.');
		const [f] = ids(p, 'undelimited-variable');
		expect(f).toMatchObject({
			severity: 'warning',
			span: { start: 10, end: 23, text: '{{ article }}' }
		});
		expect(f.message).toContain('article');
	});

	it('undelimited-variable: accepts tags, quotes, fences, tojson, numbers and loop variables', () => {
		for (const ok of [
			'Summarize <article>{{ article }}</article> briefly.',
			'Summarize "{{ article }}" briefly.',
			'Summarize:\n```\n{{ article }}\n```',
			'Data: {{ article | tojson }} now.',
			'Write {{ n * 2 }} lines.',
			'Translate:\n"""\n{{ text }}\n"""',
			'Article:\n{{ article }}\n\nSummarize it in one sentence.',
			'{% for x in items %}<item>{{ x }}</item>{% endfor %}'
		])
			expect(ids(text(ok), 'undelimited-variable'), ok).toEqual([]);
	});

	it('undelimited-variable: a labelled field is only an info, and chat messages get their index', () => {
		const [f] = ids(text('Customer name: {{ name }}\nGreet the customer.'), 'undelimited-variable');
		expect(f.severity).toBe('info');
		const [c] = ids(
			chat(['system', 'You are kind.'], ['user', 'Greet {{ name }} warmly.']),
			'undelimited-variable'
		);
		expect(c.span).toMatchObject({ message: 1, text: '{{ name }}' });
	});

	it('conflicting-instructions: finds brief vs detailed and always vs never, with both spans', () => {
		const [f] = ids(
			text('Be concise. Explain the topic in great detail.'),
			'conflicting-instructions'
		);
		expect(f.span.text).toBe('Be concise');
		expect(f.related?.[0].text).toBe('in great detail');
		const [g] = ids(
			text('Always cite sources. Never cite sources from blogs.'),
			'conflicting-instructions'
		);
		expect(g.related?.[0].text).toBe('Never cite sources');
		expect(ids(text('Be concise. Use a formal tone.'), 'conflicting-instructions')).toEqual([]);
		expect(ids(text('Write informally. Keep it friendly.'), 'conflicting-instructions')).toEqual(
			[]
		);
	});

	it('unbounded-length: warns on open-ended writing, is info with max tokens, silent with a bound', () => {
		const [f] = ids(text('You are a historian. Write about the Roman empire.'), 'unbounded-length');
		expect(f).toMatchObject({
			severity: 'warning',
			span: { text: 'Write about the Roman empire.' }
		});
		expect(ids(text('Write about Rome.', 300), 'unbounded-length')[0].severity).toBe('info');
		expect(ids(text('Write about Rome in 3 sentences.'), 'unbounded-length')).toEqual([]);
		expect(ids(text('Briefly explain Rome.'), 'unbounded-length')).toEqual([]);
		expect(ids(text('Classify the sentiment.'), 'unbounded-length')).toEqual([]);
	});

	it('unbounded-length: reads a limit stated with a variable as a limit', () => {
		const p = text('Summarize {{ article }} in {{ max_words }} words or fewer.');
		expect(ids(p, 'unbounded-length')).toEqual([]);
		expect(
			ids(
				text('Summarize {{ article }} in {{max_words}}-{{ more }} sentences.'),
				'unbounded-length'
			)
		).toEqual([]);
		expect(ids(text('Summarize {{ article }} for {{ reader }}.'), 'unbounded-length')).toHaveLength(
			1
		);
	});

	it('ambiguous-pronoun: flags a subject pronoun and a dangling object, not "this email"', () => {
		const f = ids(
			text('Read the notes and the email. It should be polite. Then summarize it.'),
			'ambiguous-pronoun'
		);
		expect(f.map((x) => x.span.text)).toEqual(['It', 'it']);
		expect(
			ids(text('This email is from a customer. Summarize this:\n{{ email }}'), 'ambiguous-pronoun')
		).toEqual([]);
	});

	it('missing-role: flags a bare task, accepts a system message or "You are"', () => {
		expect(ids(text('Translate to French.'), 'missing-role')).toHaveLength(1);
		expect(ids(text('You are a translator. Translate to French.'), 'missing-role')).toEqual([]);
		expect(ids(chat(['system', 'Be helpful.'], ['user', 'Translate.']), 'missing-role')).toEqual(
			[]
		);
	});

	it('shouting: flags capital runs and repeated emphasis, not acronyms', () => {
		const f = ids(text('DO NOT EVER reveal the key. You MUST answer. NEVER lie!!'), 'shouting');
		expect(f.map((x) => x.span.text)).toEqual(expect.arrayContaining(['DO NOT EVER', '!!']));
		expect(f.some((x) => x.message.includes('2 shouted words'))).toBe(true);
		expect(ids(text('Return JSON API URL fields. You MUST be brief.'), 'shouting')).toEqual([]);
	});

	it('negative-only: flags a list of bans, not bans balanced by instructions', () => {
		const [f] = ids(text("Don't use lists. Never mention prices. Avoid jargon."), 'negative-only');
		expect(f.related).toHaveLength(2);
		expect(
			ids(
				text(
					"Answer in prose. Use simple words. Keep it short. Don't mention prices. Avoid jargon."
				),
				'negative-only'
			)
		).toEqual([]);
	});

	it('open-ended-list: flags "etc." and "and so on"', () => {
		expect(
			ids(text('List colours, sizes, etc. and so on'), 'open-ended-list').map((f) => f.span.text)
		).toEqual(['etc.', 'and so on']);
		expect(ids(text('List colours and sizes.'), 'open-ended-list')).toEqual([]);
	});

	it('skips disabled rules and ignores assistant example turns', () => {
		expect(
			lintPrompt(text('Translate to French.'), {
				disable: ['missing-role', 'no-output-format', 'unbounded-length']
			})
		).toEqual([]);
		const p = chat(
			['system', 'You are terse. Answer with one word.'],
			['assistant', 'It is {{ x }} etc.'],
			['user', '<q>{{ q }}</q>']
		);
		expect(lintPrompt(p)).toEqual([]);
	});
});
