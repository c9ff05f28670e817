import { describe, expect, it } from 'vitest';
import { parseRoomPath } from './upgrade';

describe('parseRoomPath', () => {
	it('splits /<workspaceId>/<docId> and decodes percent-escapes', () => {
		expect(parseRoomPath('/ws-1/doc%3A7', 128)).toEqual({ workspace: 'ws-1', docId: 'doc:7' });
	});

	it.each(['/', '/ws', '/ws/', '/ws/a/b', '//doc', '/ws/..', '/ws/a%2Fb', '/ws/%E0%A4%A'])(
		'refuses %s',
		(path) => {
			expect(parseRoomPath(path, 128)).toHaveProperty('error');
		}
	);

	it('refuses ids longer than the limit', () => {
		expect(parseRoomPath(`/ws/${'a'.repeat(9)}`, 8)).toHaveProperty('error');
	});
});
