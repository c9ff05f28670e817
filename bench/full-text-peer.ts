/**
 * @module The full-text peer of the library bench: FlexSearch's `Document` index over the same
 * four fields (default tokenizer, tags as its tag field), and the documents both indexes get.
 */
import FlexSearch from 'flexsearch';
import { promptText, type Prompt } from '../src/lib/core/model/prompt';

export interface PeerDoc {
	[field: string]: string | string[];
	id: string;
	name: string;
	description: string;
	tags: string;
	tagList: string[];
	content: string;
}

export function peerDocs(prompts: Prompt[]): PeerDoc[] {
	return prompts.map((p) => ({
		id: p.id,
		name: p.name,
		description: p.description,
		tags: p.tags.join(' '),
		tagList: p.tags,
		content: promptText(p)
	}));
}

export function buildFlexSearch(docs: PeerDoc[]) {
	const flex = new FlexSearch.Document<PeerDoc>({
		document: { id: 'id', index: ['name', 'description', 'tags', 'content'], tag: 'tagList' }
	});
	for (const d of docs) flex.add(d);
	return flex;
}
