/** @module A small curated library shown on first run: ten useful prompts in three folders. */
import type { Folder, Project, Prompt } from '../model/prompt';
import { createLibraryFile } from './library-schema';
import type { LibraryFile } from './library-schema';

export interface DemoLibraryOptions {
	/** Timestamp for created/updated times and `exportedAt`. Default: `Date.now()`. */
	now?: number;
}

type DemoPrompt = Pick<Prompt, 'name' | 'type' | 'description' | 'tags' | 'intent'> &
	Partial<Pick<Prompt, 'content' | 'messages' | 'customFields'>> & {
		folder: 'writing' | 'support' | 'engineering';
		model: string;
		temperature: number;
		maxTokens?: number;
	};

const FOLDERS = [
	{ key: 'writing', name: 'Writing' },
	{ key: 'support', name: 'Customer Support' },
	{ key: 'engineering', name: 'Engineering' }
] as const;

const DEMO_PROMPTS: DemoPrompt[] = [
	{
		name: 'summarize-article',
		folder: 'writing',
		type: 'text',
		description: 'Three-bullet summary of any article, with an optional audience.',
		tags: ['summary', 'writing'],
		intent: 'summarization',
		model: 'gpt-4o-mini',
		temperature: 0.3,
		maxTokens: 400,
		content: `Summarize the article below in exactly three bullet points.
{% if audience %}Write for {{ audience }}.{% else %}Write for a general reader.{% endif %}
Each bullet is one sentence of at most 25 words. Keep names, numbers and dates exact.
Do not add opinions or facts that are not in the article.

Article:
"""
{{ article | trim }}
"""`
	},
	{
		name: 'rewrite-plain-language',
		folder: 'writing',
		type: 'text',
		description: 'Rewrites dense text in plain language at a chosen reading level.',
		tags: ['rewrite', 'clarity'],
		intent: 'rewriting',
		model: 'gpt-4o',
		temperature: 0.5,
		content: `Rewrite the text below in plain language for a reader at a {{ reading_level | default("grade 8") }} reading level.
- Keep every fact; remove filler and jargon.
- Prefer short sentences and active voice.
- Keep the original language of the text.

Return only the rewritten text.

Text:
{{ text }}`
	},
	{
		name: 'blog-outline',
		folder: 'writing',
		type: 'chat',
		description: 'Outline for a blog post from a topic, audience and key points.',
		tags: ['blog', 'outline', 'marketing'],
		intent: 'generation',
		model: 'claude-3-5-sonnet',
		temperature: 0.8,
		maxTokens: 800,
		messages: [
			{
				role: 'system',
				content:
					'You are an editor who plans clear, well-structured blog posts. You propose outlines, not finished prose.'
			},
			{
				role: 'user',
				content: `Outline a blog post about "{{ topic }}" for {{ audience }}.
Cover these points, in the order that reads best:
{% for point in key_points %}- {{ point }}
{% endfor %}
Give a working title, an intro hook of one sentence, 4–6 section headings with two bullet notes each, and a closing call to action.`
			}
		],
		customFields: [{ key: 'word_count_target', type: 'number', value: 1200 }]
	},
	{
		name: 'reply-to-customer',
		folder: 'support',
		type: 'chat',
		description: 'Empathetic, policy-aware reply to a customer email.',
		tags: ['support', 'email', 'tone'],
		intent: 'generation',
		model: 'gpt-4o',
		temperature: 0.4,
		maxTokens: 500,
		messages: [
			{
				role: 'system',
				content: `You are a support agent for {{ company | default("our company") }}.
Be warm and concise. Acknowledge the problem in the first sentence.
Follow the policy excerpt exactly; never promise what it does not allow.
Sign off as {{ agent_name }}.`
			},
			{
				role: 'user',
				content: `Policy excerpt:
{{ policy }}

Customer email from {{ customer_name }}:
{{ email }}`
			}
		],
		customFields: [{ key: 'reviewed', type: 'boolean', value: true }]
	},
	{
		name: 'triage-ticket',
		folder: 'support',
		type: 'text',
		description: 'Classifies a support ticket by category and urgency as JSON.',
		tags: ['support', 'classification', 'json-output'],
		intent: 'classification',
		model: 'gpt-4o-mini',
		temperature: 0,
		maxTokens: 150,
		content: `Classify the support ticket below.

Categories: billing, bug, account, feature_request, other.
Urgency: low, normal, high (high only if the customer cannot use the product or money is at risk).

Respond with JSON only: {"category": "...", "urgency": "...", "reason": "<one sentence>"}

Ticket:
{{ ticket | trim }}`
	},
	{
		name: 'faq-answer',
		folder: 'support',
		type: 'text',
		description: 'Answers a question using only the supplied help-center articles.',
		tags: ['support', 'rag', 'grounded'],
		intent: 'question-answering',
		model: 'claude-3-5-haiku',
		temperature: 0.2,
		content: `Answer the question using only the help-center articles below.
If the articles do not contain the answer, reply exactly: "I don't know — let me connect you with a teammate."
Cite the article titles you used in square brackets.

{% for doc in articles %}### {{ doc.title }}
{{ doc.body }}

{% endfor %}Question: {{ question }}`
	},
	{
		name: 'code-review',
		folder: 'engineering',
		type: 'chat',
		description: 'Reviews a diff for bugs, security issues and readability.',
		tags: ['code', 'review'],
		intent: 'review',
		model: 'claude-3-5-sonnet',
		temperature: 0.2,
		maxTokens: 1200,
		messages: [
			{
				role: 'system',
				content:
					'You are a senior {{ language }} engineer doing a careful code review. Point out real problems, not style nits the linter catches.'
			},
			{
				role: 'user',
				content: `Review this diff. List findings as "file:line — severity — problem — suggested fix", most severe first. Say "No issues found" if there are none.

\`\`\`diff
{{ diff }}
\`\`\``
			}
		]
	},
	{
		name: 'write-commit-message',
		folder: 'engineering',
		type: 'text',
		description: 'Conventional-commit message from a staged diff.',
		tags: ['git', 'code'],
		intent: 'generation',
		model: 'gpt-4o-mini',
		temperature: 0.3,
		maxTokens: 200,
		content: `Write a commit message for the diff below, following Conventional Commits.
First line: type(scope): summary, at most 72 characters, imperative mood.
Then a blank line and a body explaining why the change was made, wrapped at 72 characters.

{{ diff }}`
	},
	{
		name: 'explain-error',
		folder: 'engineering',
		type: 'text',
		description: 'Explains an error message and stack trace with likely causes and fixes.',
		tags: ['debugging', 'code'],
		intent: 'question-answering',
		model: 'gpt-4o',
		temperature: 0.2,
		content: `Explain this {{ language | default("") }} error to a developer who has not seen it before.
1. What the error means, in one or two sentences.
2. The three most likely causes given the stack trace, most likely first.
3. For each cause, how to confirm it and how to fix it.

Error and stack trace:
{{ error_log }}`
	},
	{
		name: 'sql-from-question',
		folder: 'engineering',
		type: 'chat',
		description: 'Writes a read-only SQL query that answers a business question.',
		tags: ['sql', 'data'],
		intent: 'code',
		model: 'gpt-4.1',
		temperature: 0,
		maxTokens: 600,
		messages: [
			{
				role: 'system',
				content: `You write correct, read-only {{ dialect | default("PostgreSQL") }} queries.
Only SELECT statements. Use only the tables and columns in the schema. Prefer CTEs over nested subqueries.`
			},
			{ role: 'user', content: 'Schema:\n{{ schema }}\n\nQuestion: {{ question }}' },
			{
				role: 'assistant',
				content: 'Here is the query, followed by one sentence on what it returns:'
			}
		]
	}
];

/**
 * The first-run demo library. Ids are fixed (`demo-…`) so loading it twice is detectable.
 */
export function demoLibrary(options: DemoLibraryOptions = {}): LibraryFile {
	const now = options.now ?? Date.now();
	const folders: Folder[] = FOLDERS.map((f) => ({
		id: `demo-folder-${f.key}`,
		name: f.name,
		parentId: null,
		createdAt: now,
		updatedAt: now
	}));
	const projects: Project[] = [
		{
			id: 'demo-project-starter',
			name: 'Starter Kit',
			description: 'Example prompts to explore Promptloom with.',
			createdAt: now,
			updatedAt: now
		}
	];
	const prompts: Prompt[] = DEMO_PROMPTS.map((d) => ({
		id: `demo-prompt-${d.name}`,
		name: d.name,
		type: d.type,
		content: d.type === 'text' ? (d.content ?? '') : '',
		messages: d.type === 'chat' ? (d.messages ?? []) : [],
		description: d.description,
		tags: d.tags,
		intent: d.intent,
		author: 'promptloom',
		modelConfig: {
			model: d.model,
			temperature: d.temperature,
			...(d.maxTokens === undefined ? {} : { maxTokens: d.maxTokens }),
			params: {}
		},
		customFields: d.customFields ?? [],
		templateOptions: { trimBlocks: false, lstripBlocks: false },
		folderId: `demo-folder-${d.folder}`,
		projectId: 'demo-project-starter',
		createdAt: now,
		updatedAt: now,
		deletedAt: null
	}));
	return createLibraryFile({
		exportedAt: new Date(now).toISOString(),
		prompts,
		folders,
		projects
	});
}
