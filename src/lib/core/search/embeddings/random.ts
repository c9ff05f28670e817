/** @module A small seeded PRNG so clustering and projections are reproducible. */

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
export { mulberry32 as seededRandom } from '../../util/prng';

/** A standard normal sample (Box–Muller) from a uniform source. */
export function gaussian(random: () => number): number {
	const u = Math.max(random(), 1e-12);
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
