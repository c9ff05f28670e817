/** @module Typed declaration of the parts of jstat (untyped UMD package) used by the statistics. */
declare module 'jstat' {
	interface JStatApi {
		studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
		noncentralt: { cdf(x: number, dof: number, ncp: number): number };
		normal: {
			cdf(x: number, mean: number, std: number): number;
			inv(p: number, mean: number, std: number): number;
		};
		chisquare: { cdf(x: number, dof: number): number };
	}
	const jStat: JStatApi;
	export default jStat;
}
