/**
 * @module One client socket in one room: decodes y-websocket messages, enforces the role and
 * the message limits, and closes only this socket on bad input.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { RawData, WebSocket } from 'ws';
import type { Role, TokenClaims } from './auth/token';
import type { RelayConfig } from './config';
import type { RelayLogger } from './logger';
import {
	CLOSE,
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_SYNC,
	encodeRelayError,
	type RelayErrorPayload
} from '../../src/lib/core/relay/protocol';
import { onlyReviewMaps, readOnlyMessage, writeScope, type WriteScope } from './collab/roles';
import type { Room, RoomMember } from './rooms/room';
import { isNoopUpdate } from './rooms/update-check';

/** Verdict of an {@link UpdateGuard}: a refused update is dropped and reported (type 4). */
export type GuardResult =
	{ ok: true } | { ok: false; code: RelayErrorPayload['code']; message: string };

/** Checks every incoming update before it is applied (collaboration rules, current roles). */
export type UpdateGuard = (
	room: Room,
	claims: TokenClaims,
	update: Uint8Array
) => GuardResult | Promise<GuardResult>;

/** Counters shared by every connection of a relay. */
export interface RelayCounters {
	/** Writes dropped because the role may not make them (a viewer's; a reviewer's content). */
	droppedViewerWrites: number;
	/** Awareness entries dropped: client ids owned by another connection (see `Room.applyAwareness`). */
	droppedAwarenessEntries: number;
	closedMalformed: number;
	closedOversize: number;
	/** Updates refused by the update guard (approvals, roles). */
	droppedGuardedWrites?: number;
	/** Sockets closed with 1013 for falling too far behind (`maxSocketBufferedBytes`, per room). */
	closedSlow: number;
}

/** A message the relay refuses; `code` is the WebSocket close code. */
class ProtocolViolation extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
	}
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Binary, never compressed (the relay negotiates no extension): spares ws per-send defaults. */
const SEND_OPTIONS = { binary: true, compress: false } as const;

/** Close reasons are limited to 123 bytes by RFC 6455. */
function shortReason(reason: string): string {
	return Buffer.byteLength(reason) <= 123
		? reason
		: Buffer.from(reason).subarray(0, 120).toString() + '...';
}

export class Connection implements RoomMember {
	private chain: Promise<void>;
	private closed = false;
	private dropped = 0;
	/** The role applied now: the member registry's, updated while the socket is open. */
	private role: Role;
	private greeted = false;
	/** Size of the largest message sent so far: unread bytes up to it are not counted as lag. */
	private largestSent = 0;

	constructor(
		private readonly ws: WebSocket,
		private readonly room: Room,
		readonly claims: TokenClaims,
		private readonly config: RelayConfig,
		private readonly counters: RelayCounters,
		private readonly logger: RelayLogger,
		private readonly guard?: UpdateGuard,
		role: Role = claims.role
	) {
		this.role = role;
		room.join(this);
		ws.on('message', (data, isBinary) => this.receive(data, isBinary));
		this.chain = room.ready.then(
			() => this.greet(),
			(e: unknown) => {
				this.logger.error('room failed to load', { room: room.name, error: String(e) });
				this.close(CLOSE.internalError, 'relay could not load this document; retry later');
			}
		);
	}

	/** What this connection may change in its room, by its current role. */
	get scope(): WriteScope {
		return writeScope(this.role, this.room.name);
	}

	/** True when the relay takes nothing from this connection (it is never sent sync step 1). */
	get readOnly(): boolean {
		return this.scope === 'none';
	}

	/**
	 * Applies a changed role to the open socket: writes the new role does not allow are dropped
	 * and reported from now on; a connection that could write nothing and now may write is sent
	 * sync step 1, as on a fresh connection.
	 */
	setRole(role: Role): void {
		if (role === this.role || this.closed) return;
		const wasReadOnly = this.readOnly;
		this.role = role;
		this.logger.info('role changed', { room: this.room.name, user: this.claims.user, role });
		// Before the greeting, the greeting itself applies the new role.
		if (wasReadOnly && !this.readOnly && this.greeted) this.send(this.syncStep1());
	}

	/**
	 * Queues `message` on the socket; a failed write surfaces as the socket's error and close.
	 * A client that left more than `maxSocketBufferedBytes` (beyond the largest message it was
	 * sent) unread is closed as too slow instead: the relay does not buffer without bound.
	 */
	send(message: Uint8Array): void {
		if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
		const unread = this.ws.bufferedAmount;
		const limit = this.config.maxSocketBufferedBytes;
		if (unread > limit + this.largestSent) {
			this.close(
				CLOSE.tooSlow,
				`client too slow: ${unread} bytes unread (limit ${limit}); reconnect to catch up`
			);
			return;
		}
		if (message.byteLength > this.largestSent) this.largestSent = message.byteLength;
		this.ws.send(message, SEND_OPTIONS);
	}

	/** Bytes queued on the socket the client has not read yet (0 once the socket is closing). */
	bufferedBytes(): number {
		return this.closed ? 0 : this.ws.bufferedAmount;
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		if (code === CLOSE.tooSlow) this.dropSlowSocket();
		this.ws.close(code, shortReason(reason));
	}

	/**
	 * A socket closed as too slow gets `slowSocketCloseGraceMs` to read what is queued and the
	 * close frame; then it is terminated, which frees what it still holds.
	 */
	private dropSlowSocket(): void {
		this.counters.closedSlow++;
		this.logger.warn('closing a client too slow to read', {
			room: this.room.name,
			user: this.claims.user,
			unread: this.ws.bufferedAmount
		});
		const timer = setTimeout(() => this.ws.terminate(), this.config.slowSocketCloseGraceMs);
		timer.unref();
		this.ws.once('close', () => clearTimeout(timer));
	}

	/** Called once the socket closed, whoever closed it; returns the members left in the room. */
	detach(): number {
		this.closed = true;
		return this.room.leave(this);
	}

	/** Sends sync step 1 (except to viewers, whose state the relay never takes) and awareness. */
	private greet(): void {
		this.greeted = true;
		if (!this.readOnly) this.send(this.syncStep1());
		const states = this.room.awareness.getStates();
		if (states.size > 0) this.send(this.awarenessMessage([...states.keys()]));
	}

	private syncStep1(): Uint8Array {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(encoder, this.room.doc);
		return encoding.toUint8Array(encoder);
	}

	private awarenessMessage(clients: number[]): Uint8Array {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(
			encoder,
			awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, clients)
		);
		return encoding.toUint8Array(encoder);
	}

	private receive(data: RawData, isBinary: boolean): void {
		if (this.closed) return;
		const bytes = toBytes(data);
		if (bytes.byteLength > this.config.maxMessageBytes) {
			this.counters.closedOversize++;
			this.close(
				CLOSE.messageTooBig,
				`message of ${bytes.byteLength} bytes exceeds the limit of ${this.config.maxMessageBytes}`
			);
			return;
		}
		if (!isBinary) {
			this.reject(
				new ProtocolViolation(CLOSE.unsupportedData, 'text frames are not supported; send binary')
			);
			return;
		}
		// Messages are handled strictly in order, after the room has loaded.
		this.chain = this.chain.then(async () => {
			if (this.closed) return;
			try {
				await this.handle(bytes);
			} catch (e) {
				this.reject(e);
			}
		});
	}

	private reject(e: unknown): void {
		const violation =
			e instanceof ProtocolViolation
				? e
				: new ProtocolViolation(
						CLOSE.invalidPayload,
						`malformed message: ${e instanceof Error ? e.message : String(e)}`
					);
		this.counters.closedMalformed++;
		this.logger.warn('closing connection after a bad message', {
			room: this.room.name,
			user: this.claims.user,
			code: violation.code,
			reason: violation.message
		});
		this.close(violation.code, violation.message);
	}

	private async handle(bytes: Uint8Array): Promise<void> {
		const decoder = decoding.createDecoder(bytes);
		const type = decoding.readVarUint(decoder);
		switch (type) {
			case MESSAGE_SYNC:
				return this.handleSync(decoder);
			case MESSAGE_AWARENESS: {
				const update = decoding.readVarUint8Array(decoder);
				this.counters.droppedAwarenessEntries += this.room.applyAwareness(this, update);
				return;
			}
			case MESSAGE_QUERY_AWARENESS:
				this.send(this.awarenessMessage([...this.room.awareness.getStates().keys()]));
				return;
			default:
				throw new ProtocolViolation(CLOSE.unsupportedData, `unsupported message type ${type}`);
		}
	}

	private async handleSync(decoder: decoding.Decoder): Promise<void> {
		const syncType = decoding.readVarUint(decoder);
		if (syncType === syncProtocol.messageYjsSyncStep1) {
			const stateVector = decoding.readVarUint8Array(decoder);
			// Answers with everything the room holds, stored or not: like the fan-out, a client
			// may see an update before it is durable (it re-syncs it to the relay if needed).
			const diff = Y.encodeStateAsUpdate(this.room.doc, stateVector);
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
			encoding.writeVarUint8Array(encoder, diff);
			this.send(encoding.toUint8Array(encoder));
			return;
		}
		if (
			syncType !== syncProtocol.messageYjsSyncStep2 &&
			syncType !== syncProtocol.messageYjsUpdate
		) {
			throw new ProtocolViolation(
				CLOSE.unsupportedData,
				`unsupported sync message type ${syncType}`
			);
		}
		const update = decoding.readVarUint8Array(decoder);
		const scope = this.scope;
		if (scope === 'none' || (scope === 'review' && !onlyReviewMaps(this.room.doc, update))) {
			if (!isNoopUpdate(this.room.doc, update)) this.dropReadOnlyWrite(scope);
			return;
		}
		const verdict: GuardResult = this.guard
			? await this.guard(this.room, this.claims, update)
			: { ok: true };
		if (!verdict.ok) return this.dropGuarded(verdict.code, verdict.message);
		Y.applyUpdate(this.room.doc, update, this);
	}

	private dropGuarded(code: RelayErrorPayload['code'], message: string): void {
		this.dropped++;
		this.counters.droppedGuardedWrites = (this.counters.droppedGuardedWrites ?? 0) + 1;
		this.logger.info('update dropped', { room: this.room.name, user: this.claims.user, code });
		this.send(encodeRelayError({ code, message, room: this.room.name, dropped: this.dropped }));
	}

	private dropReadOnlyWrite(scope: WriteScope): void {
		this.dropped++;
		this.counters.droppedViewerWrites++;
		this.send(
			encodeRelayError({
				code: 'read_only',
				message: readOnlyMessage(this.role, scope),
				room: this.room.name,
				dropped: this.dropped
			})
		);
	}
}
