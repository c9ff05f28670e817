/** @module The execution trace of a render: a bounded list of steps with short previews of values. */
import type { Value } from './pyvalues';
import type { IncludeRef, TraceStep } from './types';

const PREVIEW_CHARS = 200;

/** A short printable form of a runtime value for the trace. */
export function preview(v: Value | string): string {
	const s = typeof v === 'string' ? v : v.type === 'StringValue' ? String(v.value) : v.toString();
	return s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) + '…' : s;
}

export class TraceRecorder {
	readonly steps: TraceStep[] = [];
	truncated = false;
	private readonly seenVariables = new Set<string>();
	private readonly seenIncludes = new Set<string>();
	constructor(private readonly max = 1000) {}
	push(step: TraceStep): void {
		if (this.steps.length >= this.max) this.truncated = true;
		else this.steps.push(step);
	}
	variable(name: string, value: Value): void {
		if (this.seenVariables.has(name)) return;
		this.seenVariables.add(name);
		this.push({ kind: 'variable', name, preview: preview(value) });
	}
	include(key: string, ref: IncludeRef, versionId: string): void {
		if (this.seenIncludes.has(key)) return;
		this.seenIncludes.add(key);
		this.push({ kind: 'include', name: ref.name, ref, versionId });
	}
}
