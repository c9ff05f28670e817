/** @module Benchmark: renders per second of a typical 10-message chat prompt and of a 5-variable text prompt through the core render path the workers run, and of the same chat prompt in nunjucks (the peer). */
import { pathToFileURL } from 'node:url';
import nunjucks from 'nunjucks';
import { truncateTokens } from '../src/lib/core/template/filters';
import { renderRequest } from '../src/lib/core/template/render';
import type { ChatMessageTemplate, RenderRequest } from '../src/lib/core/template/types';

function chatRequest(): RenderRequest {
	const messages: ChatMessageTemplate[] = [
		{
			role: 'system',
			content:
				'You are {{ assistant_name | default("Loom") }}, a support agent for {{ company }}.\n' +
				'Today is {{ strftime_now("%d %b %Y") }}. Answer in {{ language | default("English") }}.\n' +
				'{% if policies %}Policies:\n{% for p in policies %}- {{ p | trim }}\n{% endfor %}{% endif %}'
		}
	];
	for (let i = 0; i < 4; i++) {
		messages.push({
			role: 'user',
			content: `{{ history[${i}].question }} (customer {{ customer.name }})`
		});
		messages.push({
			role: 'assistant',
			content: `{{ history[${i}].answer | truncate_tokens(40) }}`
		});
	}
	messages.push({
		role: 'user',
		content:
			'Order data:\n{{ order | json(indent=2) }}\n{% for item in order.items %}{{ loop.index }}. {{ item.name | upper }} x{{ item.qty }}\n{% endfor %}' +
			'Question: {{ question | indent(2) }}'
	});
	return {
		messages,
		options: { now: '2025-01-15T10:00:00Z' },
		variables: {
			company: 'Acme',
			policies: ['Be kind. ', ' Refund within 30 days.', 'Never share keys.'],
			customer: { name: 'Ann Lee', tier: 'gold' },
			history: Array.from({ length: 4 }, (_, i) => ({
				question: `Where is my order number ${1000 + i}?`,
				answer: `Your order ${1000 + i} shipped yesterday and should arrive within three business days.`
			})),
			order: {
				id: 'A-1001',
				items: [
					{ name: 'lamp', qty: 1 },
					{ name: 'cable', qty: 3 }
				]
			},
			question: 'Can I change the address?\nIt moved last week.'
		}
	};
}

function textRequest(): RenderRequest {
	return {
		template:
			'Dear {{ name }},\nyour order {{ order_id }} of {{ count }} items ships to {{ city | upper }} on {{ date }}.',
		variables: { name: 'Ann Lee', order_id: 'A-1001', count: 3, city: 'Lyon', date: '2025-01-16' }
	};
}

/** Renders per second of `render` over about one second of work, after a warm-up. */
function perSecond(render: () => unknown): number {
	for (let i = 0; i < 200; i++) render();
	let renders = 0;
	const start = performance.now();
	while (performance.now() - start < 1000) {
		for (let i = 0; i < 50; i++) render();
		renders += 50;
	}
	return Math.round(renders / ((performance.now() - start) / 1000));
}

/** The chat request's messages rendered by nunjucks, with the prompt filters it lacks added. */
function nunjucksChat(req: RenderRequest): () => unknown {
	const env = new nunjucks.Environment(null, { autoescape: false });
	env.addFilter('truncate_tokens', (s: string, n: number) => truncateTokens(String(s), n));
	env.addFilter('json', (v: unknown, indent?: number) => JSON.stringify(v, null, indent));
	env.addGlobal('strftime_now', () => '15 Jan 2025');
	const templates = req.messages!.map((m) =>
		nunjucks.compile('content' in m ? m.content : '', env)
	);
	return () =>
		req.messages!.map((m, i) => ({
			role: 'role' in m ? m.role : 'user',
			content: templates[i].render(req.variables)
		}));
}

/** Returns `template.render_chat_per_s`, `template.render_text_per_s` and `peer.nunjucks_render_chat_per_s`. */
export async function run(): Promise<Record<string, number>> {
	const chat = chatRequest();
	const text = textRequest();
	const peer = nunjucksChat(chat);
	return {
		'template.render_chat_per_s': perSecond(() => renderRequest(chat)),
		'template.render_text_per_s': perSecond(() => renderRequest(text)),
		'peer.nunjucks_render_chat_per_s': perSecond(peer)
	};
}
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	console.log(JSON.stringify(await run(), null, 2));
}
