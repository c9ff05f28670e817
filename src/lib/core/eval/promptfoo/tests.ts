/**
 * @module promptfoo tests as an app dataset plus plan-wide scorers: vars become variable columns,
 * assertions shared by every test become scorers, and one per-test assertion value becomes the
 * expected column.
 */
import { canonicalize } from '../../util/crypto';
import type { EvalRowInput } from '../run/types';
import type { Assertion } from '../scorers/types';
import { EXPECTED_COLUMN_NAMES, type Dataset, type DatasetColumn } from '../dataset/types';

export interface MappedTests {
	columns: DatasetColumn[];
	rows: Dataset['rows'];
	/** Scorers for the whole plan (an assertion without `value` reads the expected column). */
	assertions: Assertion[];
	warnings: string[];
}

const keyOf = (a: Assertion) => canonicalize(a);
const signatureOf = (a: Assertion) => {
	const { value: _value, ...rest } = a;
	return canonicalize(rest);
};
const testList = (idx: number[]) =>
	`test${idx.length > 1 ? 's' : ''} ${idx.map((i) => i + 1).join(', ')}`;

function countKeys(as: Assertion[]): Map<string, number> {
	const m = new Map<string, number>();
	for (const a of as) m.set(keyOf(a), (m.get(keyOf(a)) ?? 0) + 1);
	return m;
}

/** Assertions present (deep-equal, with multiplicity) in every row, and each row's remainder. */
function splitCommon(rows: Assertion[][]): { common: Assertion[]; rest: Assertion[][] } {
	const counts = rows.map(countKeys);
	const left = new Map<string, number>();
	for (const key of counts[0]?.keys() ?? [])
		left.set(key, Math.min(...counts.map((c) => c.get(key) ?? 0)));
	const common: Assertion[] = [];
	const taken = new Map(left);
	for (const a of rows[0] ?? []) {
		const k = keyOf(a);
		if ((taken.get(k) ?? 0) > 0) {
			common.push(a);
			taken.set(k, taken.get(k)! - 1);
		}
	}
	const rest = rows.map((as) => {
		const skip = new Map(left);
		return as.filter((a) => {
			const n = skip.get(keyOf(a)) ?? 0;
			if (n > 0) skip.set(keyOf(a), n - 1);
			return n === 0;
		});
	});
	return { common, rest };
}

/** The per-test assertion shape (everything but the value) found on the most tests. */
function pickExpectedSignature(rest: Assertion[][]): string | null {
	const tally = new Map<string, number>();
	for (const as of rest) {
		const sigs = new Set(as.filter((a) => a.value !== undefined).map(signatureOf));
		for (const s of sigs) tally.set(s, (tally.get(s) ?? 0) + 1);
	}
	let best: string | null = null;
	for (const [s, n] of tally) if (best === null || n > tally.get(best)!) best = s;
	return best;
}

function freeColumnName(taken: Set<string>): string {
	for (const name of ['expected', '__expected', 'expected_output', 'promptfoo_expected'])
		if (!taken.has(name)) return name;
	let i = 2;
	while (taken.has(`expected_${i}`)) i++;
	return `expected_${i}`;
}

const usesVariable = (templates: string[], name: string) =>
	templates.some((t) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(t));

/**
 * Maps runner rows (from `promptfooRows`) to dataset columns/rows and plan scorers.
 * `templates` are the prompt texts, to tell whether a var named `expected` is used as a variable.
 */
export function mapPromptfooTests(rows: EvalRowInput[], templates: string[]): MappedTests {
	const warnings: string[] = [];
	const varNames: string[] = [];
	for (const r of rows)
		for (const k of Object.keys(r.vars)) if (!varNames.includes(k)) varNames.push(k);
	const columns: DatasetColumn[] = varNames.map((name) => ({ name, role: 'variable' }));
	const values: Record<string, unknown>[] = rows.map((r) =>
		Object.fromEntries(varNames.map((k) => [k, r.vars[k] === undefined ? '' : r.vars[k]]))
	);

	const { common, rest } = splitCommon(rows.map((r) => r.assertions ?? []));
	const assertions = [...common];
	const signature = pickExpectedSignature(rest);
	const dropped = new Map<string, number[]>();
	const noExpected: number[] = [];
	let expectedColumn: string | null = null;
	if (signature !== null) {
		expectedColumn = freeColumnName(new Set(varNames));
		const { value: _v, ...scorer } = rest
			.flatMap((as) => as)
			.find((a) => signatureOf(a) === signature)!;
		assertions.push(scorer);
		columns.push({ name: expectedColumn, role: 'expected' });
		rest.forEach((as, i) => {
			const hit = as.find((a) => a.value !== undefined && signatureOf(a) === signature);
			values[i][expectedColumn!] = hit ? hit.value : '';
			if (!hit) noExpected.push(i);
		});
	}
	rest.forEach((as, i) => {
		let usedExpected = false;
		for (const a of as) {
			if (!usedExpected && a.value !== undefined && signatureOf(a) === signature) {
				usedExpected = true;
				continue;
			}
			dropped.set(a.type, [...(dropped.get(a.type) ?? []), i]);
		}
	});
	for (const [type, idx] of dropped)
		warnings.push(
			`"${type}" on ${testList([...new Set(idx)])} was not imported: the app applies the same scorers to every row, and only one per-test value fits in the expected column`
		);
	if (signature !== null && noExpected.length > 0)
		warnings.push(
			`${testList(noExpected)} ${noExpected.length > 1 ? 'have' : 'has'} no expected value for the "${assertions.at(-1)!.type}" scorer`
		);

	if (expectedColumn === null) {
		const byName = columns.find(
			(c) =>
				(EXPECTED_COLUMN_NAMES as readonly string[]).includes(c.name) &&
				!usesVariable(templates, c.name)
		);
		if (byName) byName.role = 'expected';
	}
	const thresholds = rows.flatMap((r, i) => (r.threshold !== undefined ? [i] : []));
	if (thresholds.length)
		warnings.push(
			`the threshold of ${testList(thresholds)} was not imported: a row passes when its scorers pass`
		);
	if (rows.some((r) => r.description)) {
		const name = varNames.includes('__description') ? '__test_description' : '__description';
		columns.push({ name, role: 'ignore' });
		rows.forEach((r, i) => (values[i][name] = r.description ?? ''));
	}
	return {
		columns,
		rows: values.map((v, i) => ({ id: `r${i + 1}`, values: v })),
		assertions,
		warnings
	};
}
