/** @module The little of nunjucks (no bundled types) that the template bench uses as its peer. */
declare module 'nunjucks' {
	export interface Template {
		render(context?: object): string;
	}
	export class Environment {
		constructor(loader: null, options?: { autoescape?: boolean });
		addFilter(name: string, filter: (...args: never[]) => unknown): void;
		addGlobal(name: string, value: unknown): void;
	}
	const nunjucks: {
		Environment: typeof Environment;
		compile(source: string, env?: Environment): Template;
	};
	export default nunjucks;
}
