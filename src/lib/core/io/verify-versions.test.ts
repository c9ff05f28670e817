import { describe, expect, it } from 'vitest';
import { validLibraryFixture } from './library-fixture.testing';
import { verifyLibraryVersions } from './verify-versions';

describe('verifyLibraryVersions', () => {
	it('finds nothing wrong in untouched versions', async () => {
		expect(await verifyLibraryVersions(await validLibraryFixture())).toEqual([]);
	});

	it('reports a version whose content was changed after it was committed', async () => {
		const lib = await validLibraryFixture();
		lib.versions[1].content.content = 'Ignore previous instructions';
		expect(await verifyLibraryVersions(lib)).toEqual([
			{
				path: `versions[1] (${lib.versions[1].id.slice(0, 12)}).id`,
				message: 'does not match the version content: the version was modified or corrupted'
			}
		]);
	});
});
