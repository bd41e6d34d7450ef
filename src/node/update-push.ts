import type { AbortOptions, Connection, PeerId, Startable, Stream } from '@libp2p/interface';
import { createHash } from 'node:crypto';
import type { TensorEncoding } from '../protocol/compression/container.js';
import { ProtocolError } from '../protocol/errors.js';
import { sha256Hex } from '../protocol/hash.js';
import { UPDATE_PROTOCOL } from '../protocol/ids.js';
import {
  CHUNK_FRAME_OVERHEAD,
  decodeUpdateAck,
  decodeUpdateChunk,
  decodeUpdateHeader,
  DEFAULT_CHUNK_BYTES,
  encodeUpdateAck,
  encodeUpdateChunk,
  encodeUpdateHeader,
  MAX_CHUNK_BYTES,
  MAX_REASON_CHARS,
  type UpdateAckMessage,
  type UpdateHeaderMessage,
} from '../protocol/messages/index.js';
import type { RejectionReason, Verdict } from '../protocol/validate.js';
import type { StreamServiceComponents } from './components.js';
import {
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_MAX_INBOUND_STREAMS,
  DEFAULT_MAX_UPDATE_BYTES,
  DEFAULT_TRANSFER_TIMEOUT_MS,
} from './constants.js';
import { UpdateRejectedError } from './errors.js';
import { NULL_EVENT_SINK, type EventSink } from './events.js';
import { FramedStream } from './framing.js';
import { errorMessage, timeoutSignal } from './signal.js';

/**
 * Update push over `/fedmetanas/update/1.0.0`:
 *   sender → UpdateHeader;  receiver → UpdateAck (go / early rejection, before any body byte);
 *   sender → chunkCount UpdateChunk frames, then half-close;  receiver → final UpdateAck.
 */

/** Why a push was refused: a validation reason or a transport one. */
export type UpdateAckReason = RejectionReason | 'not-accepting' | 'handler-error';

/** A complete update whose body matched its announced size and hash. */
export interface ReceivedUpdate {
  header: UpdateHeaderMessage;
  body: Uint8Array;
  from: PeerId;
  /** Time from the header to the last chunk. */
  ms: number;
}

/** The aggregator side: checks headers before the body is sent and judges complete updates. */
export interface UpdateHandler {
  /** Early check of a header from `from` (e.g. `validateUpdateHeader` with the round's spec). */
  checkHeader?(header: UpdateHeaderMessage, from: string): Verdict;
  /** Judge a complete, hash-verified update (e.g. `validateUpdateBody`, then queue it for aggregation). */
  onUpdate(update: ReceivedUpdate): Verdict | Promise<Verdict>;
}

/** An update to send. */
export interface OutgoingUpdate {
  round: number;
  sampleCount: number;
  encoding: TensorEncoding;
  /** A tensor container (see `compressUpdate`). */
  body: Uint8Array;
  /** Hex hash of the global model the update derives from ('' if none). */
  baseHash?: string;
}

/** Options of the update push service. */
export interface UpdatePushInit {
  federation: string;
  events?: EventSink;
  chunkBytes?: number;
  maxUpdateBytes?: number;
  timeoutMs?: number;
  dialTimeoutMs?: number;
  maxInboundStreams?: number;
  isAllowed?: (peer: string) => boolean;
}

/** Send updates to an aggregator and receive them when aggregating. */
export interface UpdatePush extends Startable {
  /** Push `update` to `peer`; resolves with the accepting ack, throws `UpdateRejectedError` otherwise. */
  push(peer: PeerId, update: OutgoingUpdate, options?: AbortOptions): Promise<UpdateAckMessage>;
  /** Install (or remove, with undefined) the receiving handler; without one every push is refused. */
  setHandler(handler: UpdateHandler | undefined): void;
}

/** The `/fedmetanas/update/1.0.0` service factory (libp2p `services` entry). */
export function updatePush(init: UpdatePushInit): (components: StreamServiceComponents) => UpdatePush {
  return (components) => new DefaultUpdatePush(components, init);
}

class DefaultUpdatePush implements UpdatePush {
  readonly [Symbol.toStringTag] = '@fedmetanas/update-push';
  private readonly events: EventSink;
  private readonly chunkBytes: number;
  private readonly maxUpdateBytes: number;
  private readonly timeoutMs: number;
  private readonly dialTimeoutMs: number;
  private readonly maxInboundStreams: number;
  private readonly isAllowed: (peer: string) => boolean;
  private handler: UpdateHandler | undefined;

  constructor(
    private readonly components: StreamServiceComponents,
    private readonly init: UpdatePushInit,
  ) {
    this.events = init.events ?? NULL_EVENT_SINK;
    this.chunkBytes = Math.min(init.chunkBytes ?? DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES);
    this.maxUpdateBytes = init.maxUpdateBytes ?? DEFAULT_MAX_UPDATE_BYTES;
    this.timeoutMs = init.timeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
    this.dialTimeoutMs = init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.maxInboundStreams = init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS;
    this.isAllowed = init.isAllowed ?? (() => true);
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(UPDATE_PROTOCOL, (stream, conn) => this.receive(stream, conn), {
      maxInboundStreams: this.maxInboundStreams,
    });
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(UPDATE_PROTOCOL);
  }

  setHandler(handler: UpdateHandler | undefined): void {
    this.handler = handler;
  }

  async push(peer: PeerId, update: OutgoingUpdate, options?: AbortOptions): Promise<UpdateAckMessage> {
    const started = Date.now();
    const signal = timeoutSignal(options, this.timeoutMs);
    const header: UpdateHeaderMessage = {
      federation: this.init.federation,
      round: update.round,
      sender: this.components.peerId.toString(),
      sampleCount: update.sampleCount,
      baseHash: update.baseHash ?? '',
      encoding: update.encoding,
      bodyBytes: update.body.byteLength,
      chunkCount: Math.ceil(update.body.byteLength / this.chunkBytes),
      chunkBytes: this.chunkBytes,
      bodyHash: sha256Hex(update.body),
    };
    const stream = await this.components.connectionManager.openStream(peer, UPDATE_PROTOCOL, {
      signal: timeoutSignal({ signal }, this.dialTimeoutMs),
    });
    const framed = new FramedStream(stream, { maxFrameBytes: MAX_CHUNK_BYTES + CHUNK_FRAME_OVERHEAD });
    try {
      await framed.write(encodeUpdateHeader(header), { signal });
      this.expectAccepted(peer, decodeUpdateAck(await framed.read({ signal })));
      for (let i = 0; i < header.chunkCount; i++) {
        const data = update.body.subarray(
          i * this.chunkBytes,
          Math.min(update.body.byteLength, (i + 1) * this.chunkBytes),
        );
        await framed.write(encodeUpdateChunk({ index: i, data }), { signal });
      }
      await framed.closeWrite({ signal });
      const ack = this.expectAccepted(peer, decodeUpdateAck(await framed.read({ signal })));
      this.events.record({
        type: 'send',
        msg: 'update',
        topic: UPDATE_PROTOCOL,
        peer: peer.toString(),
        round: update.round,
        bytes: update.body.byteLength,
        latencyMs: Date.now() - started,
      });
      return ack;
    } catch (err) {
      framed.abort(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  private expectAccepted(peer: PeerId, ack: UpdateAckMessage): UpdateAckMessage {
    if (ack.accepted) return ack;
    throw new UpdateRejectedError(
      `Error in UpdatePush.push: ${peer} must accept the update, found rejection ${ack.reason} (${ack.detail})`,
      ack.reason,
      ack.detail,
    );
  }

  private async receive(stream: Stream, connection: Connection): Promise<void> {
    const from = connection.remotePeer;
    const peer = from.toString();
    const signal = AbortSignal.timeout(this.timeoutMs);
    const framed = new FramedStream(stream, { maxFrameBytes: MAX_CHUNK_BYTES + CHUNK_FRAME_OVERHEAD });
    let round: number | undefined;
    const refuse = async (reason: UpdateAckReason, detail: string): Promise<void> => {
      this.events.record({
        type: 'reject',
        msg: 'update',
        topic: UPDATE_PROTOCOL,
        peer,
        round,
        reason,
        detail,
      });
      await framed.write(
        encodeUpdateAck({ accepted: false, reason, detail: detail.slice(0, MAX_REASON_CHARS) }),
        {
          signal,
        },
      );
      await framed.closeWrite({ signal });
    };
    try {
      let header: UpdateHeaderMessage;
      try {
        header = decodeUpdateHeader(await framed.read({ signal }));
      } catch (err) {
        if (err instanceof ProtocolError) return await refuse('malformed', `${err.name}: ${err.message}`);
        throw err;
      }
      round = header.round;
      const early = this.checkHeader(header, peer);
      if (!early.ok) return await refuse(early.reason, early.detail);
      await framed.write(encodeUpdateAck({ accepted: true, reason: '', detail: '' }), { signal });
      const started = Date.now();
      let body: Awaited<ReturnType<typeof this.readBody>>;
      try {
        body = await this.readBody(framed, header, signal);
      } catch (err) {
        if (err instanceof ProtocolError) return await refuse('malformed', `${err.name}: ${err.message}`);
        throw err;
      }
      if (!(body instanceof Uint8Array)) return await refuse(body.reason, body.detail);
      this.events.record({
        type: 'recv',
        msg: 'update',
        topic: UPDATE_PROTOCOL,
        peer,
        round,
        bytes: body.byteLength,
        latencyMs: Date.now() - started,
      });
      const handler = this.handler;
      if (handler === undefined) return await refuse('not-accepting', 'no update handler');
      let verdict: Verdict;
      try {
        verdict = await handler.onUpdate({ header, body, from, ms: Date.now() - started });
      } catch (err) {
        return await refuse('handler-error', errorMessage(err));
      }
      if (!verdict.ok) return await refuse(verdict.reason, verdict.detail);
      await framed.write(encodeUpdateAck({ accepted: true, reason: '', detail: '' }), { signal });
      await framed.closeWrite({ signal });
    } catch (err) {
      this.events.record({
        type: 'error',
        msg: 'update',
        topic: UPDATE_PROTOCOL,
        peer,
        round,
        reason: (err as Error).name,
        detail: errorMessage(err),
      });
      framed.abort(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private checkHeader(
    header: UpdateHeaderMessage,
    peer: string,
  ): Verdict | { ok: false; reason: UpdateAckReason; detail: string } {
    if (!this.isAllowed(peer))
      return { ok: false, reason: 'not-allowlisted', detail: `peer ${peer} is not allowlisted` };
    if (header.sender !== peer) {
      return {
        ok: false,
        reason: 'sender-mismatch',
        detail: `sender must be ${peer}, found ${header.sender}`,
      };
    }
    if (header.federation !== this.init.federation) {
      return {
        ok: false,
        reason: 'wrong-federation',
        detail: `federation must be ${this.init.federation}, found ${header.federation}`,
      };
    }
    if (header.bodyBytes > this.maxUpdateBytes) {
      return {
        ok: false,
        reason: 'too-large',
        detail: `body must be <= ${this.maxUpdateBytes} bytes, found ${header.bodyBytes}`,
      };
    }
    if (this.handler === undefined)
      return { ok: false, reason: 'not-accepting', detail: 'no update handler' };
    return this.handler.checkHeader?.(header, peer) ?? { ok: true };
  }

  /** The body, or the reason it does not match its header. */
  private async readBody(
    framed: FramedStream,
    header: UpdateHeaderMessage,
    signal: AbortSignal,
  ): Promise<Uint8Array | { reason: 'size-mismatch' | 'hash-mismatch'; detail: string }> {
    const body = new Uint8Array(header.bodyBytes);
    const digest = createHash('sha256');
    let offset = 0;
    for (let i = 0; i < header.chunkCount; i++) {
      const chunk = decodeUpdateChunk(await framed.read({ signal }), i, header.chunkBytes);
      const expected = Math.min(header.chunkBytes, body.byteLength - offset);
      if (chunk.data.byteLength !== expected) {
        return {
          reason: 'size-mismatch',
          detail: `chunk ${i} must carry ${expected} bytes, found ${chunk.data.byteLength}`,
        };
      }
      body.set(chunk.data, offset);
      digest.update(chunk.data);
      offset += expected;
    }
    const actual = digest.digest('hex');
    if (actual !== header.bodyHash) {
      return { reason: 'hash-mismatch', detail: `body hash must be ${header.bodyHash}, found ${actual}` };
    }
    return body;
  }
}
