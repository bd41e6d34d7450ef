import type { AbortOptions, Connection, PeerId, Startable, Stream } from '@libp2p/interface';
import { createHash } from 'node:crypto';
import { MODEL_PROTOCOL } from '../protocol/ids.js';
import { ProtocolError } from '../protocol/errors.js';
import {
  CHUNK_FRAME_OVERHEAD,
  decodeModelChunk,
  decodeModelRequest,
  decodeModelResponse,
  DEFAULT_CHUNK_BYTES,
  encodeModelChunk,
  encodeModelRequest,
  encodeModelResponse,
  MAX_CHUNK_BYTES,
  MAX_HEADER_BYTES,
  type ModelResponseMessage,
} from '../protocol/messages/index.js';
import type { StreamServiceComponents } from './components.js';
import {
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_MAX_BLOB_BYTES,
  DEFAULT_MAX_CONCURRENT_SERVES,
  DEFAULT_MAX_INBOUND_STREAMS,
  DEFAULT_TRANSFER_TIMEOUT_MS,
} from './constants.js';
import {
  BlobHashMismatchError,
  BlobNotFoundError,
  BlobUnavailableError,
  TransferProtocolError,
} from './errors.js';
import { NULL_EVENT_SINK, type EventSink } from './events.js';
import { FramedStream } from './framing.js';
import { errorMessage, timeoutSignal } from './signal.js';
import type { BlobStore } from './store.js';

/** Options of the model transfer service. */
export interface ModelTransferInit {
  store: BlobStore;
  events?: EventSink;
  /** Payload bytes per chunk frame served (default `DEFAULT_CHUNK_BYTES`). */
  chunkBytes?: number;
  /** Largest blob fetched or served (default `DEFAULT_MAX_BLOB_BYTES`). */
  maxBlobBytes?: number;
  /** Time allowed for one whole transfer (default `DEFAULT_TRANSFER_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Time allowed to open the stream (default `DEFAULT_DIAL_TIMEOUT_MS`). */
  dialTimeoutMs?: number;
  maxInboundStreams?: number;
  /** Uploads served at once before answering `busy`. */
  maxConcurrentServes?: number;
  /** Peers allowed to pull (the federation allowlist); default all. */
  isAllowed?: (peer: string) => boolean;
}

/** Options of a fetch. */
export interface FetchOptions extends AbortOptions {
  /** Time allowed per holder (default: the service's `timeoutMs`). */
  timeoutMs?: number;
  /** Put the verified blob in the local store (default true). */
  store?: boolean;
}

/** A verified blob and where it came from. */
export interface FetchResult {
  bytes: Uint8Array;
  /** The holder that delivered it (undefined when it was already in the local store). */
  from?: PeerId;
  /** Holders tried, including the one that delivered. */
  attempts: number;
  ms: number;
}

/** Pull blobs by content hash from peers that hold them, and serve the local store to others. */
export interface ModelTransfer extends Startable {
  /** Fetch `hash` from one holder; throws `BlobHashMismatchError`, `BlobNotFoundError`, ... */
  fetchFrom(peer: PeerId, hash: string, options?: FetchOptions): Promise<Uint8Array>;
  /** Fetch `hash` from the first holder that delivers verified bytes; `BlobUnavailableError` if none. */
  fetch(hash: string, holders: readonly PeerId[], options?: FetchOptions): Promise<FetchResult>;
}

/** The `/fedmetanas/model/1.0.0` service factory (libp2p `services` entry). */
export function modelTransfer(
  init: ModelTransferInit,
): (components: StreamServiceComponents) => ModelTransfer {
  return (components) => new DefaultModelTransfer(components, init);
}

class DefaultModelTransfer implements ModelTransfer {
  readonly [Symbol.toStringTag] = '@fedmetanas/model-transfer';
  private readonly store: BlobStore;
  private readonly events: EventSink;
  private readonly chunkBytes: number;
  private readonly maxBlobBytes: number;
  private readonly timeoutMs: number;
  private readonly dialTimeoutMs: number;
  private readonly maxInboundStreams: number;
  private readonly maxConcurrentServes: number;
  private readonly isAllowed: (peer: string) => boolean;
  private serving = 0;

  constructor(
    private readonly components: StreamServiceComponents,
    init: ModelTransferInit,
  ) {
    this.store = init.store;
    this.events = init.events ?? NULL_EVENT_SINK;
    this.chunkBytes = Math.min(init.chunkBytes ?? DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES);
    this.maxBlobBytes = init.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
    this.timeoutMs = init.timeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
    this.dialTimeoutMs = init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.maxInboundStreams = init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS;
    this.maxConcurrentServes = init.maxConcurrentServes ?? DEFAULT_MAX_CONCURRENT_SERVES;
    this.isAllowed = init.isAllowed ?? (() => true);
  }

  async start(): Promise<void> {
    await this.components.registrar.handle(
      MODEL_PROTOCOL,
      (stream, connection) => this.serve(stream, connection),
      {
        maxInboundStreams: this.maxInboundStreams,
      },
    );
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(MODEL_PROTOCOL);
  }

  async fetch(hash: string, holders: readonly PeerId[], options: FetchOptions = {}): Promise<FetchResult> {
    const started = Date.now();
    const local = await this.store.get(hash).catch(() => undefined);
    if (local !== undefined) return { bytes: local, attempts: 0, ms: Date.now() - started };
    const causes: unknown[] = [];
    const self = this.components.peerId.toString();
    for (const holder of holders) {
      if (holder.toString() === self) continue;
      options.signal?.throwIfAborted();
      try {
        const bytes = await this.fetchFrom(holder, hash, options);
        return { bytes, from: holder, attempts: causes.length + 1, ms: Date.now() - started };
      } catch (err) {
        causes.push(err);
        this.events.record({
          type: 'transfer-failed',
          msg: 'blob',
          topic: MODEL_PROTOCOL,
          peer: holder.toString(),
          hash,
          reason: err instanceof Error ? err.name : 'Error',
          detail: errorMessage(err),
        });
      }
    }
    throw new BlobUnavailableError(
      `Error in ModelTransfer.fetch: blob ${hash} must be delivered by one of ${holders.length} holders, found ${causes.length} failures (${causes.map(errorMessage).join('; ')})`,
      causes,
    );
  }

  async fetchFrom(peer: PeerId, hash: string, options: FetchOptions = {}): Promise<Uint8Array> {
    const started = Date.now();
    const signal = timeoutSignal(options, options.timeoutMs ?? this.timeoutMs);
    const stream = await this.components.connectionManager.openStream(peer, MODEL_PROTOCOL, {
      signal: timeoutSignal({ signal }, this.dialTimeoutMs),
    });
    const framed = new FramedStream(stream, { maxFrameBytes: MAX_CHUNK_BYTES + CHUNK_FRAME_OVERHEAD });
    try {
      const request = encodeModelRequest(hash);
      await framed.write(request, { signal });
      this.events.record({
        type: 'send',
        msg: 'model-request',
        topic: MODEL_PROTOCOL,
        peer: peer.toString(),
        hash,
        bytes: request.byteLength,
      });
      const response = decodeModelResponse(await framed.read({ signal }));
      this.checkResponse(peer, hash, response);
      const bytes = await this.readChunks(framed, response, hash, signal);
      await framed.closeWrite({ signal });
      this.events.record({
        type: 'recv',
        msg: 'blob',
        topic: MODEL_PROTOCOL,
        peer: peer.toString(),
        hash,
        bytes: bytes.byteLength,
        latencyMs: Date.now() - started,
      });
      if (options.store ?? true) await this.store.put(bytes);
      return bytes;
    } catch (err) {
      framed.abort(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  private checkResponse(peer: PeerId, hash: string, r: ModelResponseMessage): void {
    if (r.status === 'not-found' || r.status === 'busy') {
      throw new BlobNotFoundError(
        `Error in ModelTransfer.fetchFrom: ${peer} must hold blob ${hash}, found status ${r.status}`,
      );
    }
    if (r.status !== 'ok') {
      throw new TransferProtocolError(
        `Error in ModelTransfer.fetchFrom: ${peer} must answer ok, found ${r.status}`,
      );
    }
    if (r.size > this.maxBlobBytes) {
      throw new TransferProtocolError(
        `Error in ModelTransfer.fetchFrom: blob size must be <= ${this.maxBlobBytes}, found ${r.size} from ${peer}`,
      );
    }
  }

  private async readChunks(
    framed: FramedStream,
    r: ModelResponseMessage,
    hash: string,
    signal: AbortSignal,
  ): Promise<Uint8Array> {
    const out = new Uint8Array(r.size);
    const digest = createHash('sha256');
    let offset = 0;
    for (let i = 0; i < r.chunkCount; i++) {
      const chunk = decodeModelChunk(await framed.read({ signal }), i, r.chunkBytes);
      const expected = Math.min(r.chunkBytes, r.size - offset);
      if (chunk.data.byteLength !== expected) {
        throw new TransferProtocolError(
          `Error in ModelTransfer.fetchFrom: chunk ${i} must carry ${expected} bytes, found ${chunk.data.byteLength}`,
        );
      }
      out.set(chunk.data, offset);
      digest.update(chunk.data);
      offset += expected;
    }
    const actual = digest.digest('hex');
    if (actual !== hash) {
      throw new BlobHashMismatchError(
        `Error in ModelTransfer.fetchFrom: blob must hash to ${hash}, found ${actual}`,
      );
    }
    return out;
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const signal = AbortSignal.timeout(this.timeoutMs);
    const framed = new FramedStream(stream, { maxFrameBytes: MAX_HEADER_BYTES });
    const started = Date.now();
    this.serving++;
    try {
      if (!this.isAllowed(peer)) {
        this.events.record({
          type: 'reject',
          msg: 'model-request',
          topic: MODEL_PROTOCOL,
          peer,
          reason: 'not-allowlisted',
        });
        framed.abort(
          new TransferProtocolError(`Error in ModelTransfer.serve: peer must be allowlisted, found ${peer}`),
        );
        return;
      }
      let hash: string;
      try {
        hash = decodeModelRequest(await framed.read({ signal })).hash;
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        this.events.record({
          type: 'reject',
          msg: 'model-request',
          topic: MODEL_PROTOCOL,
          peer,
          reason: err.name,
          detail: err.message,
        });
        await this.answer(framed, { status: 'error', size: 0, chunkCount: 0, chunkBytes: 0 }, signal);
        return;
      }
      this.events.record({ type: 'recv', msg: 'model-request', topic: MODEL_PROTOCOL, peer, hash });
      const blob = this.serving > this.maxConcurrentServes ? undefined : await this.store.get(hash);
      if (blob === undefined || blob.byteLength > this.maxBlobBytes) {
        const status = this.serving > this.maxConcurrentServes ? 'busy' : 'not-found';
        await this.answer(framed, { status, size: 0, chunkCount: 0, chunkBytes: 0 }, signal);
        return;
      }
      const chunkCount = Math.ceil(blob.byteLength / this.chunkBytes);
      await framed.write(
        encodeModelResponse({ status: 'ok', size: blob.byteLength, chunkCount, chunkBytes: this.chunkBytes }),
        { signal },
      );
      for (let i = 0; i < chunkCount; i++) {
        const data = blob.subarray(i * this.chunkBytes, Math.min(blob.byteLength, (i + 1) * this.chunkBytes));
        await framed.write(encodeModelChunk({ index: i, data }), { signal });
      }
      await framed.closeWrite({ signal });
      this.events.record({
        type: 'send',
        msg: 'blob',
        topic: MODEL_PROTOCOL,
        peer,
        hash,
        bytes: blob.byteLength,
        latencyMs: Date.now() - started,
      });
    } catch (err) {
      this.events.record({
        type: 'error',
        msg: 'blob',
        topic: MODEL_PROTOCOL,
        peer,
        reason: (err as Error).name,
        detail: errorMessage(err),
      });
      framed.abort(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.serving--;
    }
  }

  private async answer(framed: FramedStream, r: ModelResponseMessage, signal: AbortSignal): Promise<void> {
    await framed.write(encodeModelResponse(r), { signal });
    await framed.closeWrite({ signal });
  }
}
