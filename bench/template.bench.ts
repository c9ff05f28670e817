/** @module Benchmark: renders per second of a typical 10-message chat prompt through the core render path the workers run. */
import { pathToFileURL } from 'node:url';
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

/** Returns `template.render_chat_per_s`: renders per second over about one second of work. */
export async function run(): Promise<Record<string, number>> {
	const req = chatRequest();
	for (let i = 0; i < 50; i++) renderRequest(req); // warm up
	let renders = 0;
	const start = performance.now();
	while (performance.now() - start < 1000) {
		renderRequest(req);
		renders++;
	}
	const seconds = (performance.now() - start) / 1000;
	return { 'template.render_chat_per_s': Math.round(renders / seconds) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	console.log(JSON.stringify(await run(), null, 2));
}
