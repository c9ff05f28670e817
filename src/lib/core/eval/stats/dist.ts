/** @module The distribution functions used by the tests, from jstat, behind a typed facade. */
import jStat from 'jstat';

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export const studentTCdf = (t: number, df: number): number => jStat.studentt.cdf(t, df);
/** Quantile of Student's t. */
export const studentTInv = (p: number, df: number): number => jStat.studentt.inv(p, df);
/** P(T ≤ t) for the noncentral t with noncentrality `ncp`. */
export const noncentralTCdf = (t: number, df: number, ncp: number): number =>
	jStat.noncentralt.cdf(t, df, ncp);
export const normalCdf = (z: number): number => jStat.normal.cdf(z, 0, 1);
export const normalInv = (p: number): number => jStat.normal.inv(p, 0, 1);
export const chiSquareCdf = (x: number, df: number): number => jStat.chisquare.cdf(x, df);
