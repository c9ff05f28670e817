import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';

// In a fresh process (zod caches its probe), `Function` is replaced by a trap before any schema
// is built; validating a library file must neither call it nor fail.
const probe = `
let calls = 0;
const Real = globalThis.Function;
globalThis.Function = new Proxy(Real, {
	construct() { calls++; throw new EvalError('code generation from strings disallowed'); },
	apply() { calls++; throw new EvalError('code generation from strings disallowed'); }
});
const { validateLibraryData } = await import('./src/lib/core/io/library-file.ts');
const { validLibraryFixture } = await import('./src/lib/core/io/library-fixture.testing.ts');
const result = validateLibraryData(await validLibraryFixture());
console.log(JSON.stringify({ calls, valid: result.ok }));
`;

describe('zod runs without code generation', () => {
	it('never calls Function while validating, so a strict CSP reports nothing', () => {
		const out = execFileSync(
			process.execPath,
			['--import', 'tsx', '--input-type=module', '-e', probe],
			{
				encoding: 'utf8'
			}
		);
		expect(JSON.parse(out.trim().split('\n').pop() ?? '')).toEqual({ calls: 0, valid: true });
	});
});
