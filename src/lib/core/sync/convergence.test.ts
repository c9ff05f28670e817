import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRng, type Rng } from '../util/prng';
import { ChatMessages, legacyMessageId, liveMessages } from './chat-doc';
import { compareLabelEvents, nextLabelClock } from './label-resolution';
import { labelMoves, resolveLabel } from './projection';
import { WorkspaceDocs } from './workspace-docs';
import {
	LOCAL_ORIGIN,
	pairKey,
	promptDocParts,
	readWorkingCopy,
	writeFolder,
	writePromptMeta,
	writeWorkingCopy,
	type SyncedLabelEvent
} from './ydoc-model';

const NET = 'net';

interface Message {
	to: number;
	key: string;
	update: Uint8Array;
}

interface Peer {
	docs: WorkspaceDocs;
	online: boolean;
}

interface World {
	rng: Rng;
	peers: Peer[];
	queue: Message[];
	prompts: string[];
	tokens: Map<string, string[]>;
	labelEvents: SyncedLabelEvent[];
	folders: string[];
	now: number;
	/** Chat tokens: the message each was typed into, and the messages someone removed. */
	messageOf: Map<string, string>;
	removedMessages: Set<string>;
}

async function docOf(peer: Peer, key: string): Promise<Y.Doc> {
	return key === 'index' ? peer.docs.index : peer.docs.prompt(key);
}

/** Every update a peer makes locally is queued for every other peer (random later delivery). */
function wire(world: World, i: number, key: string, doc: Y.Doc): void {
	doc.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin === NET) return;
		for (let to = 0; to < world.peers.length; to++)
			if (to !== i) world.queue.push({ to, key, update });
	});
}

function makePeer(world: World, i: number): Peer {
	const docs = new WorkspaceDocs({
		workspace: 'w',
		onPromptDoc: (id, doc) => wire(world, i, id, doc)
	});
	wire(world, i, 'index', docs.index);
	return { docs, online: true };
}

/** Delivers one random queued message; messages to or from an offline peer are dropped. */
async function deliverOne(world: World): Promise<void> {
	const { rng, queue } = world;
	if (!queue.length) return;
	const idx = rng.int(0, queue.length - 1);
	const msg = queue[idx];
	if (!rng.chance(0.15)) queue.splice(idx, 1); // otherwise: delivered again later (duplicate)
	const peer = world.peers[msg.to];
	if (!peer.online) return;
	Y.applyUpdate(await docOf(peer, msg.key), msg.update, NET);
}

/** What a reconnecting y-websocket client does: exchange state-vector diffs of every document. */
async function resync(world: World, a: Peer, b: Peer): Promise<void> {
	const keys = new Set(['index', ...a.docs.loadedPromptIds(), ...b.docs.loadedPromptIds()]);
	for (const key of keys) {
		const da = await docOf(a, key);
		const db = await docOf(b, key);
		Y.applyUpdate(db, Y.encodeStateAsUpdate(da, Y.encodeStateVector(db)), NET);
		Y.applyUpdate(da, Y.encodeStateAsUpdate(db, Y.encodeStateVector(da)), NET);
	}
}

const knownPrompts = (p: Peer) => [...p.docs.maps.prompts.keys()];

/** One random operation; `chatOnly`: only live chat operations once the peer knows a prompt. */
async function randomOp(world: World, peerIdx: number, chatOnly = false): Promise<void> {
	const { rng } = world;
	const peer = world.peers[peerIdx];
	const { maps, index } = peer.docs;
	world.now += rng.int(0, 3);
	const known = knownPrompts(peer);
	const op = chatOnly ? rng.int(10, 13) : rng.int(0, 13);
	if (op === 0 || !known.length) {
		const id = `p${world.prompts.length}`;
		world.prompts.push(id);
		const token = `<${id}.${peerIdx}.c>`;
		world.tokens.set(id, [token]);
		index.transact(
			() =>
				writePromptMeta(maps, {
					id,
					name: `prompt-${id}`,
					type: 'text',
					description: '',
					tags: [],
					intent: '',
					author: `peer${peerIdx}`,
					modelConfig: { model: 'm', params: {} },
					customFields: [],
					templateOptions: { trimBlocks: false, lstripBlocks: false },
					folderId: null,
					projectId: null,
					createdAt: world.now,
					updatedAt: world.now,
					deletedAt: null
				}),
			LOCAL_ORIGIN
		);
		const doc = await peer.docs.prompt(id);
		doc.transact(
			() => writeWorkingCopy(promptDocParts(doc), { content: token, messages: [] }),
			LOCAL_ORIGIN
		);
		return;
	}
	const id = rng.pick(known);
	const doc = await peer.docs.prompt(id);
	const parts = promptDocParts(doc);
	if (op <= 3) {
		// Text edit through the same diff path as a local save: insert a unique token.
		const token = `<${id}.${peerIdx}.${world.now}.${rng.int(0, 1e6)}>`;
		world.tokens.get(id)?.push(token);
		const wc = readWorkingCopy(parts);
		// Insert between tokens (never inside one), so each token stays whole for the check below.
		const bounds = [0, ...[...wc.content].flatMap((c, i) => (c === '>' ? [i + 1] : []))];
		const at = rng.pick(bounds);
		doc.transact(
			() =>
				writeWorkingCopy(parts, {
					content: wc.content.slice(0, at) + token + wc.content.slice(at),
					messages: wc.messages
				}),
			LOCAL_ORIGIN
		);
	} else if (op === 4) {
		const wc = readWorkingCopy(parts);
		const token = `<${id}.${peerIdx}.m${world.now}.${rng.int(0, 1e6)}>`;
		world.tokens.get(id)?.push(token);
		doc.transact(
			() =>
				writeWorkingCopy(parts, {
					content: wc.content,
					messages: [
						...wc.messages,
						{ role: rng.pick(['user', 'system'] as const), content: token }
					]
				}),
			LOCAL_ORIGIN
		);
		world.messageOf.set(token, liveMessages(parts.messages).find((m) => m.content === token)!.id);
	} else if (op >= 10) {
		await chatOp(world, peerIdx, id, doc, op);
	} else if (op === 5) {
		const meta = maps.prompts.get(id);
		index.transact(() => {
			meta?.set('description', `d${peerIdx}.${world.now}`);
			meta?.set('tags', rng.sample(['a', 'b', 'c'], rng.int(0, 3)));
			if (world.folders.length && rng.chance(0.5)) meta?.set('folderId', rng.pick(world.folders));
		}, LOCAL_ORIGIN);
	} else if (op === 6) {
		const fid = `f${world.folders.length}`;
		world.folders.push(fid);
		index.transact(
			() =>
				writeFolder(maps, {
					id: fid,
					name: `folder ${fid}`,
					parentId: null,
					createdAt: world.now,
					updatedAt: world.now
				}),
			LOCAL_ORIGIN
		);
	} else if (op === 7 && maps.folders.size) {
		const fid = rng.pick([...maps.folders.keys()]);
		index.transact(
			() => maps.folders.get(fid)?.set('name', `renamed ${peerIdx}.${world.now}`),
			LOCAL_ORIGIN
		);
	} else {
		// Label move, as the bridge writes it: a Lamport clock above every move known here.
		const label = rng.pick(['production', 'staging']);
		const moves = labelMoves(maps, id, label);
		const event: SyncedLabelEvent = {
			id: `e${world.labelEvents.length}.${peerIdx}`,
			promptId: id,
			label,
			from: resolveLabel(maps, id, label)?.versionId ?? null,
			to: rng.chance(0.1) ? null : `v${rng.int(0, 5)}`,
			actor: `peer${peerIdx}`,
			at: world.now,
			clock: nextLabelClock(moves)
		};
		world.labelEvents.push(event);
		index.transact(() => maps.labelEvents.set(event.id, event), LOCAL_ORIGIN);
	}
}

/** Chat messages edited live (as bound editors do), plus old clients and migrations. */
async function chatOp(world: World, peerIdx: number, id: string, doc: Y.Doc, op: number) {
	const { rng } = world;
	const arr = promptDocParts(doc).messages;
	const chat = new ChatMessages(arr, LOCAL_ORIGIN);
	const token = `<${id}.${peerIdx}.l${world.now}.${rng.int(0, 1e6)}>`;
	const list = chat.list();
	if (op === 10) {
		// An older client appends a message of the old shape (no id, no position).
		const map = new Y.Map<unknown>();
		doc.transact(() => {
			map.set('role', 'user');
			map.set('content', new Y.Text(token));
			arr.push([map]);
		}, LOCAL_ORIGIN);
		world.tokens.get(id)?.push(token);
		world.messageOf.set(token, legacyMessageId(map));
	} else if (op === 11) {
		chat.migrate();
	} else if (op === 12 || !list.length) {
		const r = rng.next();
		if (r < 0.4 || !list.length) {
			const mid = chat.add(
				rng.pick(['system', 'user', 'assistant'] as const),
				token,
				rng.int(0, list.length)
			);
			world.tokens.get(id)?.push(token);
			world.messageOf.set(token, mid);
		} else if (r < 0.7) chat.move(rng.pick(list).id, rng.int(0, list.length - 1));
		else if (r < 0.9)
			chat.setRole(rng.pick(list).id, rng.pick(['system', 'user', 'assistant'] as const));
		else {
			const victim = rng.pick(list).id;
			chat.remove(victim);
			world.removedMessages.add(victim);
		}
	} else {
		// Typing into one message, between tokens.
		chat.migrate();
		const m = rng.pick(chat.list());
		const text = m.text!;
		const bounds = [0, ...[...text.toString()].flatMap((c, i) => (c === '>' ? [i + 1] : []))];
		doc.transact(() => text.insert(rng.pick(bounds), token), LOCAL_ORIGIN);
		world.tokens.get(id)?.push(token);
		world.messageOf.set(token, m.id);
	}
}

function snapshot(peer: Peer) {
	const { maps } = peer.docs;
	const prompts = [...maps.prompts.keys()].sort().map((id) => {
		const doc = peer.docs.loadedPrompt(id);
		return {
			id,
			wc: doc ? readWorkingCopy(promptDocParts(doc)) : null,
			messageIds: doc ? liveMessages(promptDocParts(doc).messages).map((m) => m.id) : [],
			labels: ['production', 'staging'].map((l) => resolveLabel(maps, id, l) ?? null)
		};
	});
	return { index: peer.docs.index.toJSON(), prompts };
}

async function runSeed(seed: number, chatOnly = false): Promise<void> {
	const rng = createRng(seed);
	const world: World = {
		rng,
		peers: [],
		queue: [],
		prompts: [],
		tokens: new Map(),
		labelEvents: [],
		folders: [],
		now: 1000,
		messageOf: new Map(),
		removedMessages: new Set()
	};
	const n = rng.int(3, 4);
	for (let i = 0; i < n; i++) world.peers.push(makePeer(world, i));
	if (chatOnly) {
		// One chat prompt everybody has, then only live edits of its messages.
		await randomOp(world, 0);
		for (const p of world.peers.slice(1)) await resync(world, world.peers[0], p);
	}
	const steps = chatOnly ? rng.int(20, 40) : rng.int(10, 25);
	for (let s = 0; s < steps; s++) {
		const r = rng.next();
		const i = rng.int(0, n - 1);
		if (r < 0.55) await randomOp(world, i, chatOnly);
		else if (r < 0.9) for (let k = rng.int(1, 4); k > 0; k--) await deliverOne(world);
		else if (world.peers[i].online) world.peers[i].online = false;
		else {
			world.peers[i].online = true;
			for (const other of world.peers)
				if (other !== world.peers[i] && other.online) await resync(world, world.peers[i], other);
		}
	}
	// Everyone comes back: deliver what is left (with duplicates), then reconnect pairwise.
	for (const p of world.peers) p.online = true;
	while (world.queue.length) await deliverOne(world);
	for (const a of world.peers) for (const b of world.peers) if (a !== b) await resync(world, a, b);
	// Every peer opens every prompt document it knows (lazy loading must not change the result).
	for (const p of world.peers) for (const id of knownPrompts(p)) await p.docs.prompt(id);
	for (const a of world.peers) for (const b of world.peers) if (a !== b) await resync(world, a, b);

	const first = snapshot(world.peers[0]);
	const firstJson = JSON.stringify(first);
	for (const p of world.peers.slice(1)) {
		const json = JSON.stringify(snapshot(p));
		if (json !== firstJson) expect(JSON.parse(json), `seed ${seed}`).toEqual(first);
	}
	// No edit lost: every prompt, token, folder and label move made anywhere is everywhere, and a
	// token typed into a chat message is in that message, wherever it moved (unless removed).
	expect(first.prompts.map((p) => p.id).sort()).toEqual([...world.prompts].sort());
	for (const p of first.prompts) {
		const text = p.wc ? p.wc.content + p.wc.messages.map((m) => m.content).join('') : '';
		const kept = (t: string) => !world.removedMessages.has(world.messageOf.get(t) ?? '');
		const lost = (world.tokens.get(p.id) ?? []).filter((t) => kept(t) && !text.includes(t));
		if (lost.length) expect(lost, `seed ${seed}: edits lost from ${p.id}`).toEqual([]);
		const misplaced = (world.tokens.get(p.id) ?? []).filter((t) => {
			const at = p.messageIds.indexOf(world.messageOf.get(t) ?? '');
			return at >= 0 && !p.wc!.messages[at].content.includes(t);
		});
		if (misplaced.length) expect(misplaced, `seed ${seed}: in another message`).toEqual([]);
		const removed = p.messageIds.filter((m) => world.removedMessages.has(m));
		if (removed.length) expect(removed, `seed ${seed}: removed messages back`).toEqual([]);
	}
	const maps = world.peers[0].docs.maps;
	expect([...maps.folders.keys()].sort()).toEqual([...world.folders].sort());
	expect([...maps.labelEvents.keys()].sort()).toEqual(world.labelEvents.map((e) => e.id).sort());
	// Label moves resolve to the greatest move by (clock, time, id) on every device.
	for (const p of first.prompts) {
		for (const [i, l] of ['production', 'staging'].entries()) {
			const moves = world.labelEvents.filter((e) => e.promptId === p.id && e.label === l);
			const win = moves.sort(compareLabelEvents).at(-1);
			expect(p.labels[i]?.versionId ?? null, `seed ${seed}`).toBe(win ? win.to : null);
		}
	}
	for (const p of world.peers) await p.docs.close();
}

describe('randomized convergence of the synced documents', () => {
	it('3-4 peers with random edits, delivery order, duplicates and disconnects converge with no edit lost (1,000 seeds)', async () => {
		for (let seed = 1; seed <= 1000; seed++) await runSeed(seed);
	}, 300_000);

	it('chat messages added, moved, re-roled, removed and typed into live on 3-4 peers converge with no typing lost (1,000 seeds)', async () => {
		for (let seed = 1; seed <= 1000; seed++) await runSeed(seed, true);
	}, 300_000);

	it('a label moved on two offline devices resolves the same way on both and keeps both moves', () => {
		const a = new WorkspaceDocs({ workspace: 'w' });
		const b = new WorkspaceDocs({ workspace: 'w' });
		const move = (d: WorkspaceDocs, id: string, to: string, at: number) =>
			d.maps.labelEvents.set(id, {
				id,
				promptId: 'p',
				label: 'production',
				from: null,
				to,
				actor: id,
				at,
				clock: nextLabelClock(labelMoves(d.maps, 'p', 'production'))
			});
		move(a, 'ea', 'v1', 10);
		move(b, 'eb', 'v2', 20);
		Y.applyUpdate(a.index, Y.encodeStateAsUpdate(b.index));
		Y.applyUpdate(b.index, Y.encodeStateAsUpdate(a.index));
		expect(resolveLabel(a.maps, 'p', 'production')?.versionId).toBe('v2');
		expect(resolveLabel(b.maps, 'p', 'production')?.versionId).toBe('v2');
		expect(
			labelMoves(a.maps, 'p', 'production')
				.map((e) => e.to)
				.sort()
		).toEqual(['v1', 'v2']);
		// A later move made after seeing both wins even with an older wall clock.
		move(a, 'ec', 'v3', 5);
		expect(resolveLabel(a.maps, 'p', 'production')?.versionId).toBe('v3');
		expect(pairKey('p', 'production')).toContain('production');
	});
});
