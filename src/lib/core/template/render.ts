/** @module In-process rendering of a text or chat prompt under a budget (the code the render workers run). */
import type { Program } from './ast';
import { compileProgram } from './compile';
import { toRuntimeVariables } from './context';
import { TemplateError, inTemplate, limitError } from './errors';
import { fewShotMessages, findFewShotSet } from './fewshot';
import { createGlobals, toTemplateError } from './globals';
import { GuardedInterpreter, type SessionConfig } from './interpreter';
import { effectiveLimits } from './limits';
import { parseTemplate } from './parse';
import type {
	ChatMessage,
	RenderRequest,
	RenderResult,
	RenderWarning,
	ResolvedIncludes
} from './types';
import { TraceRecorder } from './trace';
import { childScope } from './values';
import { analyzeVariables } from './variables';

export { effectiveLimits };

function clockOf(now: string | number | undefined): Date {
	if (now === undefined) return new Date();
	const d = new Date(now);
	if (Number.isNaN(d.getTime()))
		throw new TemplateError('validation', `"now" is not a valid date: ${now}`);
	return d;
}

/** Parses every included template reachable from `programs` (for variable analysis). */
function includedPrograms(
	includes: ResolvedIncludes,
	options: RenderRequest['options']
): Program[] {
	const out: Program[] = [];
	for (const [key, entry] of Object.entries(includes)) {
		try {
			out.push(parseTemplate(entry.source, options ?? {}).program);
		} catch (e) {
			throw inTemplate(e, `include ${key}`);
		}
	}
	return out;
}

/** What the variable check needs of a set of programs, analysed once per set. */
interface VariableUse {
	required: string[];
	used: Set<string>;
}
const programIds = new WeakMap<Program, number>();
let nextProgramId = 0;
const uses = new Map<string, VariableUse>();
const USES_SIZE = 256;

function variableUse(programs: Program[]): VariableUse {
	let key = '';
	for (const p of programs) {
		let id = programIds.get(p);
		if (id === undefined) programIds.set(p, (id = nextProgramId++));
		key += `${id},`;
	}
	let use = uses.get(key);
	if (!use) {
		const variables = analyzeVariables(programs);
		use = {
			required: variables.filter((v) => v.required).map((v) => v.name),
			used: new Set(variables.map((v) => v.name))
		};
		uses.set(key, use);
		if (uses.size > USES_SIZE) uses.delete(uses.keys().next().value!);
	}
	return use;
}

function variableWarnings(
	programs: Program[],
	provided: Map<string, unknown>,
	strict: boolean
): RenderWarning[] {
	const { required, used } = variableUse(programs);
	const warnings: RenderWarning[] = [];
	for (const name of required) {
		if (!provided.has(name))
			warnings.push({
				code: 'missing_variable',
				variable: name,
				message: `variable "${name}" is used but has no value`
			});
	}
	for (const name of provided.keys()) {
		if (!used.has(name))
			warnings.push({
				code: 'unused_variable',
				variable: name,
				message: `variable "${name}" is not used by the template`
			});
	}
	if (strict && warnings.some((w) => w.code === 'missing_variable')) {
		const missing = warnings.filter((w) => w.code === 'missing_variable');
		throw new TemplateError(
			'template_variable',
			`missing variable${missing.length > 1 ? 's' : ''}: ${missing.map((w) => w.variable).join(', ')}`
		);
	}
	return warnings;
}

/**
 * Renders a request in this thread. The step, depth, size and time budgets stop runaway templates,
 * but only a worker (see `createNodeRenderer` / `createBrowserRenderer`) can stop one that hogs the
 * thread inside a single library call: use those for untrusted templates.
 */
export function renderRequest(req: RenderRequest): RenderResult {
	const options = req.options ?? {};
	const limits = effectiveLimits(options.limits);
	const syntax = { trimBlocks: options.trimBlocks, lstripBlocks: options.lstripBlocks };
	const parseOptions = {
		...syntax,
		maxTemplateChars: limits.maxTemplateChars,
		maxDepth: limits.maxDepth
	};
	if ((req.template === undefined) === (req.messages === undefined))
		throw new TemplateError('validation', 'a render request needs either "template" or "messages"');
	const context = toRuntimeVariables(req.variables, limits);
	const includes = req.includes ?? {};
	const trace = options.trace ? new TraceRecorder() : null;
	const config: SessionConfig = {
		limits,
		syntax,
		includes,
		fewShotSets: req.fewShotSets ?? [],
		now: clockOf(options.now),
		contextNames: new Set(context.keys()),
		trace
	};

	const parsed: { program: Program; label: string }[] = [];
	const parseOne = (source: string, label: string) => {
		if (typeof source !== 'string')
			throw new TemplateError('validation', `${label}: the template must be a string`);
		try {
			const p = parseTemplate(source, parseOptions);
			for (const name of p.fewShotNames) findFewShotSet(config.fewShotSets, name);
			parsed.push({ program: p.program, label });
			return p.program;
		} catch (e) {
			throw req.messages ? inTemplate(e, label) : e;
		}
	};
	if (req.template !== undefined) parseOne(req.template, 'template');
	else
		req.messages!.forEach((m, i) => {
			if ('fewshot' in m) findFewShotSet(config.fewShotSets, m.fewshot);
			else parseOne(m.content, `messages[${i}]`);
		});

	const warnings = variableWarnings(
		[...parsed.map((p) => p.program), ...includedPrograms(includes, parseOptions)],
		context,
		options.strict ?? false
	);

	const interpreter = new GuardedInterpreter(config, createGlobals(config, context));
	const run = (program: Program, label: string): string => {
		try {
			// A child scope of the globals, so `set` does not leak between messages.
			const result = compileProgram(program)(interpreter, childScope(interpreter.global));
			return result.value as string;
		} catch (e) {
			const err = toTemplateError(e, limits.maxDepth);
			throw req.messages ? inTemplate(err, label) : err;
		}
	};

	if (req.template !== undefined) {
		const output = run(parsed[0].program, 'template');
		return {
			kind: 'text',
			output,
			warnings,
			...(trace ? { trace: { steps: trace.steps, truncated: trace.truncated } } : {})
		};
	}
	const messages: ChatMessage[] = [];
	let total = 0;
	let next = 0;
	req.messages!.forEach((m, index) => {
		if ('fewshot' in m) {
			messages.push(...fewShotMessages(findFewShotSet(config.fewShotSets, m.fewshot)));
			return;
		}
		const { program, label } = parsed[next++];
		const content = run(program, label);
		total += content.length;
		if (total > limits.maxOutputChars)
			throw limitError(`output is longer than ${limits.maxOutputChars} characters`);
		trace?.push({ kind: 'message', index, role: m.role, content });
		messages.push({ role: m.role, content });
	});
	return {
		kind: 'chat',
		output: messages,
		warnings,
		...(trace ? { trace: { steps: trace.steps, truncated: trace.truncated } } : {})
	};
}

/** {@link renderRequest} with the execution trace switched on. */
export function renderWithTrace(
	req: RenderRequest
): RenderResult & { trace: NonNullable<RenderResult['trace']> } {
	const result = renderRequest({ ...req, options: { ...req.options, trace: true } });
	return result as RenderResult & { trace: NonNullable<RenderResult['trace']> };
}
