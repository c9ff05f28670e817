/**
 * @module Filter values (a tag, a model, an author, a project, a folder) as lists of document
 * slots, so a filter costs the size of its lists instead of a test of every candidate.
 */

interface SlotList {
	slots: Int32Array;
	length: number;
}

export class FacetLists {
	#lists = new Map<string, SlotList>();
	#mark = new Uint32Array(0);
	#tick = 0;

	/** Records `slot` under each of `keys` (slots are added in increasing order). */
	add(slot: number, keys: readonly string[]): void {
		for (const key of keys) {
			let list = this.#lists.get(key);
			if (!list) this.#lists.set(key, (list = { slots: new Int32Array(4), length: 0 }));
			if (list.length === list.slots.length) {
				const grown = new Int32Array(list.length * 2);
				grown.set(list.slots);
				list.slots = grown;
			}
			list.slots[list.length++] = slot;
		}
	}

	/** Renumbers slots after a compaction (`remap[old]` is the new slot, or −1 if gone). */
	remap(remap: Int32Array): void {
		for (const [key, list] of this.#lists) {
			let kept = 0;
			for (let i = 0; i < list.length; i++) {
				const s = remap[list.slots[i]];
				if (s >= 0) list.slots[kept++] = s;
			}
			list.length = kept;
			if (kept === 0) this.#lists.delete(key);
		}
		this.#mark = new Uint32Array(0);
		this.#tick = 0;
	}

	/**
	 * A test of slots that are under at least one key of every group (AND of ORs), for `slots`
	 * slots; dead slots may pass, callers skip those anyway.
	 */
	select(groups: readonly (readonly string[])[], slots: number): (slot: number) => boolean {
		if (this.#mark.length < slots) this.#mark = new Uint32Array(Math.max(64, slots * 2));
		if (this.#tick + groups.length + 1 >= 0xffffffff) {
			this.#mark.fill(0);
			this.#tick = 0;
		}
		const mark = this.#mark;
		let previous = 0;
		let tick = 0;
		groups.forEach((keys, g) => {
			tick = ++this.#tick;
			for (const key of keys) {
				const list = this.#lists.get(key);
				if (!list) continue;
				for (let i = 0; i < list.length; i++) {
					const s = list.slots[i];
					if (g === 0 || mark[s] === previous) mark[s] = tick;
				}
			}
			previous = tick;
		});
		const final = tick;
		return (slot) => final !== 0 && mark[slot] === final;
	}
}
