import { describe, expect, it } from 'vitest';
import { EVAL_DRAFT_KEY, clearEvalDraft, loadEvalDraft, saveEvalDraft } from './draft';
import type { SettingRecord } from '../../store/db';

function memorySettings() {
	const m = new Map<string, SettingRecord>();
	return {
		map: m,
		get: async (k: string) => m.get(k),
		put: async (r: SettingRecord) => m.set(r.key, r),
		delete: async (k: string) => m.delete(k)
	};
}

describe('evaluation drafts', () => {
	it('round-trips a draft and clears it', async () => {
		const s = memorySettings();
		const draft = {
			name: 'n',
			variants: [{ promptId: 'p', versionId: null }],
			datasetId: 'd',
			models: [{ spec: 'openai:gpt-4o-mini', params: { temperature: 0 } }],
			assertions: [{ type: 'contains', value: 'x' }]
		};
		await saveEvalDraft(s, draft);
		expect(await loadEvalDraft(s)).toEqual(draft);
		await clearEvalDraft(s);
		expect(await loadEvalDraft(s)).toBeNull();
	});

	it('refuses a damaged draft with a specific message', async () => {
		const s = memorySettings();
		s.map.set(EVAL_DRAFT_KEY, { key: EVAL_DRAFT_KEY, value: { name: 'n', variants: 'x' } });
		await expect(loadEvalDraft(s)).rejects.toThrow(/evaluation draft is damaged: variants/);
		s.map.set(EVAL_DRAFT_KEY, {
			key: EVAL_DRAFT_KEY,
			value: { name: 'n', variants: [], datasetId: 'd', models: [], assertions: [{ type: 'nope' }] }
		});
		await expect(loadEvalDraft(s)).rejects.toThrow(/nope/);
	});
});
