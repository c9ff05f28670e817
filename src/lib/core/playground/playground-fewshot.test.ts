import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { inProcessRenderer } from '../eval/run/in-process-renderer';
import { PromptloomError } from '../model/errors';
import type { ProviderRegistry } from '../providers/registry';
import { createDatabase } from '../store/db';
import type { FewShotSet } from '../template/types';
import { PlaygroundService } from './playground-service';

const tone: FewShotSet = {
	name: 'tone',
	examples: [
		{ input: 'hi', output: 'Hello there!' },
		{ input: 'bye', output: 'Farewell!' }
	]
};

function service(sets: FewShotSet[]) {
	const db = createDatabase({ name: 'pg-fewshot', indexedDB: new IDBFactory(), IDBKeyRange });
	const missing = () => Promise.reject(new PromptloomError('not_found', 'no library here'));
	return new PlaygroundService({
		db,
		providers: {} as ProviderRegistry,
		library: { getPrompt: missing, findByName: missing },
		fewShotSets: async () => sets
	});
}

const metadata = { templateOptions: { trimBlocks: false, lstripBlocks: false } };

describe('playground renders with few-shot sets', () => {
	it('inserts a set as a text block', async () => {
		const result = await service([tone]).render(
			{
				content: { type: 'text', content: '{{ fewshot("tone") }}\nInput: {{ q }}', messages: [] },
				metadata,
				variables: { q: 'thanks' },
				trace: false
			},
			inProcessRenderer()
		);
		expect(result.output).toBe(
			'Input: hi\nOutput: Hello there!\n\nInput: bye\nOutput: Farewell!\nInput: thanks'
		);
	});

	it('names the known sets when a template asks for an unknown one', async () => {
		await expect(
			service([tone]).render(
				{
					content: { type: 'text', content: '{{ fewshot("formal") }}', messages: [] },
					metadata,
					variables: {},
					trace: false
				},
				inProcessRenderer()
			)
		).rejects.toThrow(/few-shot set "formal" not found \(known sets: "tone"\)/);
	});
});
