/** @module Loop and branch bodies: which node owns a block, and what finishing one does (the loop's output budget and the trace). */
import type { Environment } from '@huggingface/jinja';
import {
	exprToSource,
	isFor,
	isIdentifier,
	isIf,
	walk,
	type ForNode,
	type IfNode,
	type Node,
	type Program
} from './ast';
import { limitError } from './errors';
import type { Value } from './pyvalues';
import { preview, type TraceRecorder } from './trace';

export type BlockOwner =
	{ kind: 'for'; node: ForNode } | { kind: 'if'; node: IfNode; branch: 'then' | 'else' };

export interface LoopFrame {
	node: ForNode;
	chars: number;
	iteration: number;
}

/** What finishing a block needs of the running interpreter. */
export interface BlockHost {
	readonly loopFrames: LoopFrame[];
	readonly maxOutputChars: number;
	readonly trace: TraceRecorder | null;
}

/** Loop and branch bodies of every prepared program (ASTs are never mutated). */
export const blockOwners = new WeakMap<object, BlockOwner>();
const prepared = new WeakSet<Program>();

/** Registers a program's loops and branches (once per program). */
export function prepareBlocks(program: Program): Program {
	if (prepared.has(program)) return program;
	prepared.add(program);
	walk(program as unknown as Node, (node) => {
		if (isFor(node)) blockOwners.set(node.body, { kind: 'for', node });
		else if (isIf(node)) {
			blockOwners.set(node.body, { kind: 'if', node, branch: 'then' });
			blockOwners.set(node.alternate, { kind: 'if', node, branch: 'else' });
		}
	});
	return program;
}

/** A block of `owner` rendered `text`: counts a loop's output and iterations and traces the step. */
export function blockDone(
	host: BlockHost,
	owner: BlockOwner,
	text: string,
	env: Environment
): void {
	if (owner.kind === 'for') {
		const frame = host.loopFrames.at(-1);
		if (frame && frame.node === owner.node) {
			frame.chars += text.length;
			if (frame.chars > host.maxOutputChars)
				throw limitError(`output is longer than ${host.maxOutputChars} characters`);
			frame.iteration++;
			if (host.trace && text !== '') {
				const vars =
					owner.node.loopvar.type === 'TupleLiteral'
						? (owner.node.loopvar.value as Node[])
						: [owner.node.loopvar];
				const item = vars
					.map((v) => (isIdentifier(v) ? preview(env.lookupVariable(v.value) as Value) : ''))
					.join(', ');
				host.trace.push({
					kind: 'for',
					loop: `${exprToSource(owner.node.loopvar)} in ${exprToSource(owner.node.iterable)}`,
					iteration: frame.iteration,
					item,
					output: preview(text)
				});
			}
		}
	} else if (host.trace) {
		host.trace.push({
			kind: 'if',
			condition: exprToSource(owner.node.test),
			branch: owner.branch,
			output: preview(text)
		});
	}
}
