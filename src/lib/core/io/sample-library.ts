/**
 * @module Deterministic, realistic sample libraries for tests, benchmarks and e2e runs: prompts of
 * 200–3,000 characters (text and chat), tags, nested folders, projects, authors, models, custom fields.
 */
import type { CustomField, Folder, ModelConfig, Project, Prompt } from '../model/prompt';
import { MAX_NAME_LENGTH } from '../model/ids';
import { createLibraryFile } from './library-schema';
import type { LibraryFile } from './library-schema';
import { createRng } from '../util/prng';
import type { Rng } from '../util/prng';

export interface SampleLibraryOptions {
	/** How many prompts to generate. */
	prompts: number;
	/** Same seed, same library. Default 1. */
	seed?: number | string;
	/** Share of prompts placed in the trash (deletedAt set). Default 0.02. */
	trashRatio?: number;
}

/** Shortest and longest prompt text generated, in characters. */
export const SAMPLE_MIN_CHARS = 200;
export const SAMPLE_MAX_CHARS = 3000;

interface Domain {
	folder: string;
	subfolders: string[];
	tags: string[];
	subjects: string[];
	audience: string;
	inputs: string[];
}

const DOMAINS: Domain[] = [
	{
		folder: 'Customer Support',
		subfolders: ['Email Replies', 'Ticket Triage', 'Refunds', 'Escalations'],
		tags: ['support', 'email', 'tone', 'triage', 'refund'],
		subjects: [
			'refund request',
			'shipping delay',
			'login problem',
			'billing dispute',
			'feature question'
		],
		audience: 'a frustrated customer',
		inputs: ['customer_message', 'order_id', 'customer_name', 'policy_excerpt']
	},
	{
		folder: 'Marketing',
		subfolders: ['Product Launch', 'Newsletters', 'Social', 'SEO'],
		tags: ['marketing', 'copywriting', 'seo', 'social', 'brand'],
		subjects: [
			'product announcement',
			'landing page hero',
			'newsletter intro',
			'ad variant',
			'blog outline'
		],
		audience: 'busy professionals skimming on mobile',
		inputs: ['product_name', 'key_benefits', 'target_audience', 'brand_voice']
	},
	{
		folder: 'Engineering',
		subfolders: ['Code Review', 'Documentation', 'Incident Response', 'Testing'],
		tags: ['code', 'review', 'docs', 'incident', 'testing'],
		subjects: [
			'pull request review',
			'API documentation',
			'postmortem summary',
			'unit test plan',
			'migration guide'
		],
		audience: 'senior engineers on the team',
		inputs: ['diff', 'language', 'service_name', 'error_log']
	},
	{
		folder: 'Legal',
		subfolders: ['Contracts', 'Compliance', 'Privacy'],
		tags: ['legal', 'contracts', 'compliance', 'privacy', 'risk'],
		subjects: ['contract clause review', 'GDPR request', 'policy summary', 'risk memo'],
		audience: 'in-house counsel',
		inputs: ['clause_text', 'jurisdiction', 'contract_type', 'counterparty']
	},
	{
		folder: 'Data Analysis',
		subfolders: ['SQL', 'Reporting', 'Forecasting'],
		tags: ['data', 'sql', 'analytics', 'reporting', 'charts'],
		subjects: ['SQL query', 'weekly KPI report', 'anomaly explanation', 'dashboard narrative'],
		audience: 'business stakeholders without a statistics background',
		inputs: ['table_schema', 'question', 'metrics', 'date_range']
	},
	{
		folder: 'Education',
		subfolders: ['Lesson Plans', 'Quizzes', 'Feedback'],
		tags: ['education', 'quiz', 'lesson', 'feedback', 'students'],
		subjects: ['lesson plan', 'quiz questions', 'essay feedback', 'concept explanation'],
		audience: 'high-school students',
		inputs: ['topic', 'grade_level', 'student_answer', 'learning_objectives']
	},
	{
		folder: 'HR',
		subfolders: ['Recruiting', 'Onboarding', 'Reviews'],
		tags: ['hr', 'recruiting', 'onboarding', 'feedback', 'hiring'],
		subjects: [
			'job description',
			'interview questions',
			'onboarding checklist',
			'performance review'
		],
		audience: 'hiring managers',
		inputs: ['role_title', 'team', 'seniority', 'requirements']
	},
	{
		folder: 'Product',
		subfolders: ['Specs', 'Research', 'Release Notes'],
		tags: ['product', 'specs', 'research', 'release-notes', 'ux'],
		subjects: ['feature spec', 'user interview synthesis', 'release notes', 'competitive analysis'],
		audience: 'the product and design team',
		inputs: ['feature_name', 'interview_notes', 'changelog', 'competitors']
	}
];

const TASKS = [
	{ verb: 'Summarize', intent: 'summarization', slug: 'summarize' },
	{ verb: 'Classify', intent: 'classification', slug: 'classify' },
	{ verb: 'Extract the key facts from', intent: 'extraction', slug: 'extract' },
	{ verb: 'Draft', intent: 'generation', slug: 'draft' },
	{ verb: 'Rewrite', intent: 'rewriting', slug: 'rewrite' },
	{ verb: 'Answer questions about', intent: 'question-answering', slug: 'answer' },
	{ verb: 'Translate', intent: 'translation', slug: 'translate' },
	{ verb: 'Review', intent: 'review', slug: 'review' }
];

const GENERAL_TAGS = [
	'draft',
	'production',
	'experimental',
	'few-shot',
	'json-output',
	'long-context',
	'v2'
];
const AUTHORS = [
	'ana.silva',
	'ben.okafor',
	'chen.wei',
	'dana.kowalski',
	'elif.yilmaz',
	'farid.haddad',
	'grace.lee',
	'hugo.martin',
	'isha.patel',
	'jonas.berg'
];
const MODELS = [
	'gpt-4o',
	'gpt-4o-mini',
	'gpt-4.1',
	'claude-3-5-sonnet',
	'claude-3-5-haiku',
	'gemini-1.5-pro',
	'gemini-1.5-flash',
	'llama3.1:8b',
	'mistral-large',
	'qwen2.5:14b'
];
const PROJECTS = [
	['Helpdesk Copilot', 'Assistant that drafts replies for the support team.'],
	['Growth Experiments', 'Copy and campaign prompts under A/B test.'],
	['DevEx Bot', 'Internal engineering assistant for reviews and docs.'],
	['Compliance Review', 'Prompts vetted by legal for regulated workflows.'],
	['Insights Pipeline', 'Nightly analytics narratives for dashboards.'],
	['Learning Studio', 'Course material generation for the academy.']
] as const;

const ROLE_LINES = [
	'You are an experienced assistant who writes clearly and never invents facts.',
	'You are a meticulous specialist. Accuracy matters more than speed.',
	'Act as a senior colleague who explains reasoning briefly and plainly.',
	'You are a helpful expert working for {{ company_name | default("our company") }}.'
];
const CONSTRAINTS = [
	'Keep the answer under {{ max_words | default(150) }} words.',
	'Use plain language; avoid jargon unless the input uses it first.',
	'If information is missing, say what is missing instead of guessing.',
	'Do not include personal data such as emails or phone numbers in the output.',
	'Quote the input verbatim when you rely on a specific sentence.',
	'Prefer short paragraphs and bullet points over long blocks of text.',
	'Match the language of the input unless {{ target_language }} is given.',
	'Flag anything that looks like a policy violation for human review.',
	'Never promise timelines or refunds that the policy does not allow.',
	'Be specific: name the exact item, date or amount the input mentions.'
];
const FORMATS = [
	'Respond with a JSON object with the keys "summary", "confidence" (0 to 1) and "follow_up".',
	'Respond in Markdown with a short heading, three bullet points and a one-line conclusion.',
	'Return only the final text, with no preamble and no explanation.',
	'Answer with one label from the list and a one-sentence justification.',
	'Use a numbered list, one item per finding, most important first.'
];
const FILLER = [
	'Consider the context carefully before answering, and check every claim against the input.',
	'The reader has limited time, so lead with the most important point.',
	'When the input is ambiguous, state your assumption in one sentence.',
	'Consistency with earlier answers in the thread matters; do not contradict previous replies.',
	'Use the examples below as a guide to tone and length, not as content to copy.',
	'Think about edge cases: empty input, very long input, and input in another language.',
	'If the request is outside your scope, explain politely and suggest who can help.',
	'Double-check numbers, names and dates; small mistakes erode trust quickly.'
];

/** A deterministic library of `prompts` realistic prompts, with nested folders and projects. */
export function generateLibrary(options: SampleLibraryOptions): LibraryFile {
	const { prompts: count, seed = 1, trashRatio = 0.02 } = options;
	if (!Number.isInteger(count) || count < 0)
		throw new RangeError('prompts must be a non-negative integer');
	const rng = createRng(seed);
	const base = Date.UTC(2024, 0, 1);
	const day = 86_400_000;

	const folders: Folder[] = [];
	const domainFolders: { domain: Domain; leaves: string[] }[] = [];
	const addFolder = (name: string, parentId: string | null): string => {
		const at = base + rng.int(0, 30) * day;
		const folder: Folder = {
			id: rng.uuid(),
			name,
			parentId,
			createdAt: at,
			updatedAt: at + rng.int(0, 60) * day
		};
		folders.push(folder);
		return folder.id;
	};
	for (const domain of DOMAINS) {
		const top = addFolder(domain.folder, null);
		const leaves = [top];
		for (const sub of rng.sample(domain.subfolders, rng.int(2, domain.subfolders.length))) {
			const mid = addFolder(sub, top);
			leaves.push(mid);
			for (const deep of rng.sample(
				['Archive', 'Experiments', 'Localized', 'Templates'],
				rng.int(0, 2)
			))
				leaves.push(addFolder(deep, mid));
		}
		domainFolders.push({ domain, leaves });
	}

	const projects: Project[] = PROJECTS.map(([name, description]) => {
		const at = base + rng.int(0, 60) * day;
		return {
			id: rng.uuid(),
			name,
			description,
			createdAt: at,
			updatedAt: at + rng.int(0, 90) * day
		};
	});

	const usedNames = new Set<string>();
	const prompts: Prompt[] = [];
	for (let i = 0; i < count; i++) {
		const { domain, leaves } = rng.pick(domainFolders);
		const task = rng.pick(TASKS);
		const subject = rng.pick(domain.subjects);
		const name = uniqueName(`${task.slug}-${subject}`, usedNames, rng);
		const type = rng.chance(0.4) ? 'chat' : 'text';
		const target = targetLength(rng);
		const body = promptBody(rng, domain, task.verb, subject, target);
		const createdAt = base + rng.int(0, 365) * day + rng.int(0, day - 1);
		const updatedAt = createdAt + rng.int(0, 120) * day;
		prompts.push({
			id: rng.uuid(),
			name,
			type,
			content: type === 'text' ? body.text : '',
			messages: type === 'chat' ? body.messages : [],
			description: `${task.verb} a ${subject} for ${domain.audience}.`,
			tags: rng.sample([...domain.tags, ...GENERAL_TAGS], rng.int(1, 5)).sort(),
			intent: task.intent,
			author: rng.pick(AUTHORS),
			modelConfig: modelConfig(rng),
			customFields: customFields(rng, base),
			templateOptions: { trimBlocks: false, lstripBlocks: false },
			folderId: rng.chance(0.92) ? rng.pick(leaves) : null,
			projectId: rng.chance(0.4) ? rng.pick(projects).id : null,
			createdAt,
			updatedAt,
			deletedAt: rng.chance(trashRatio) ? updatedAt + rng.int(1, 30) * day : null
		});
	}

	return createLibraryFile({
		exportedAt: new Date(base + 500 * day).toISOString(),
		workspace: { id: `sample-${String(seed)}`, name: 'Sample workspace' },
		prompts,
		folders,
		projects
	});
}

function uniqueName(stem: string, used: Set<string>, rng: Rng): string {
	const slug = stem
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	let name = slug;
	while (used.has(name)) name = `${slug}-${rng.int(2, 99_999)}`.slice(0, MAX_NAME_LENGTH);
	used.add(name);
	return name;
}

/** Mostly short-to-medium prompts with a long tail, always within the sample bounds. */
function targetLength(rng: Rng): number {
	const skewed = rng.next() ** 1.6;
	return Math.round(SAMPLE_MIN_CHARS + skewed * (SAMPLE_MAX_CHARS - SAMPLE_MIN_CHARS));
}

interface Body {
	text: string;
	messages: Prompt['messages'];
}

function promptBody(rng: Rng, domain: Domain, verb: string, subject: string, target: number): Body {
	const [input, reference] = rng.sample(domain.inputs, 2);
	const system: string[] = [rng.pick(ROLE_LINES)];
	if (target > 600) {
		system.push(`Your audience is ${domain.audience}.`);
		const rules = rng.sample(CONSTRAINTS, rng.int(1, 4)).map((c) => `- ${c}`);
		system.push(`Rules:\n${rules.join('\n')}`);
	}
	system.push(rng.pick(FORMATS));
	const user: string[] = [`${verb} the following ${subject}.`];
	if (rng.chance(0.5)) user.push(`{% if ${reference} %}Reference: {{ ${reference} }}{% endif %}`);
	user.push(`Input:\n"""\n{{ ${input} | trim }}\n"""`);
	if (rng.chance(0.3))
		user.push(
			'{% for example in examples %}Example {{ loop.index }}:\n{{ example.input }} => {{ example.output }}\n{% endfor %}'
		);
	const fill = (parts: string[], budget: number) => {
		let len = parts.join('\n\n').length;
		while (len < budget) {
			const sentence = rng.pick(FILLER);
			parts.splice(parts.length - 1, 0, sentence);
			len += sentence.length + 2;
		}
	};
	const fixed = system.join('\n\n').length + user.join('\n\n').length + 2;
	const extra = Math.max(0, target - fixed);
	fill(system, system.join('\n\n').length + Math.floor(extra * 0.6));
	fill(user, user.join('\n\n').length + Math.ceil(extra * 0.4));
	const clamp = (s: string) => (s.length > SAMPLE_MAX_CHARS ? s.slice(0, SAMPLE_MAX_CHARS) : s);
	const systemText = system.join('\n\n');
	const userText = user.join('\n\n');
	const text = clamp(`${systemText}\n\n${userText}`);
	const half = Math.floor(SAMPLE_MAX_CHARS / 2) - 20;
	const messages: Prompt['messages'] = [
		{ role: 'system', content: systemText.slice(0, half) },
		{ role: 'user', content: userText.slice(0, half) }
	];
	return { text, messages };
}

function modelConfig(rng: Rng): ModelConfig {
	const params: Record<string, unknown> = {};
	if (rng.chance(0.3)) params.top_p = rng.pick([0.8, 0.9, 0.95, 1]);
	if (rng.chance(0.15)) params.stop = ['\n\n###'];
	if (rng.chance(0.1)) params.response_format = { type: 'json_object' };
	return {
		model: rng.pick(MODELS),
		...(rng.chance(0.85) ? { temperature: rng.int(0, 12) / 10 } : {}),
		...(rng.chance(0.7) ? { maxTokens: rng.pick([256, 512, 1024, 2048, 4096]) } : {}),
		params
	};
}

function customFields(rng: Rng, base: number): CustomField[] {
	const all: CustomField[] = [
		{
			key: 'owner_team',
			type: 'string',
			value: rng.pick(['support', 'growth', 'platform', 'legal', 'data'])
		},
		{ key: 'reviewed', type: 'boolean', value: rng.chance(0.6) },
		{ key: 'priority', type: 'number', value: rng.int(1, 5) },
		{ key: 'ticket', type: 'url', value: `https://tracker.example.com/PL-${rng.int(100, 9999)}` },
		{
			key: 'last_reviewed',
			type: 'date',
			value: new Date(base + rng.int(0, 400) * 86_400_000).toISOString().slice(0, 10)
		}
	];
	return rng.sample(all, rng.int(0, 3));
}
