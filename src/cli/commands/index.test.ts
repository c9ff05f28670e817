import { describe, expect, it } from 'vitest';
import { commands } from './index';

describe('the command list', () => {
	it('names and summarises each command exactly as the command module it loads', async () => {
		for (const entry of commands) {
			const command = await entry.load();
			expect(command.name).toBe(entry.name);
			expect(command.summary).toBe(entry.summary);
		}
	});
});
