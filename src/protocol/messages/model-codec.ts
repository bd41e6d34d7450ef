import { fromHex } from '../hash.js';
import { WIRE_VERSION } from '../ids.js';
import { checkChunking, checkVersion, decodeBounded, hashField, invalid } from './checks.js';
import { CHUNK_FRAME_OVERHEAD, MAX_CHUNK_BYTES, MAX_HEADER_BYTES } from './limits.js';
import { ModelChunk, ModelRequest, ModelResponse } from './model.pb.js';
import type { ChunkMessage } from './update-codec.js';

/** Outcome of a blob request. */
export type ModelResponseStatus = 'ok' | 'not-found' | 'busy' | 'error';

/** The holder's answer header; `ok` is followed by `chunkCount` chunk frames. */
export interface ModelResponseMessage {
  status: ModelResponseStatus;
  size: number;
  chunkCount: number;
  chunkBytes: number;
}

const STATUS_TO_WIRE: Record<ModelResponseStatus, ModelResponse.Status> = {
  ok: ModelResponse.Status.OK,
  'not-found': ModelResponse.Status.NOT_FOUND,
  busy: ModelResponse.Status.BUSY,
  error: ModelResponse.Status.ERROR,
};

/** Encode a request for the blob whose hex SHA-256 is `hash`. */
export function encodeModelRequest(hash: string): Uint8Array {
  return ModelRequest.encode({ version: WIRE_VERSION, hash: fromHex(hash) });
}

/** Decode a blob request; returns the hex hash wanted. */
export function decodeModelRequest(bytes: Uint8Array, maxBytes: number = MAX_HEADER_BYTES): { hash: string } {
  const fn = 'decodeModelRequest';
  const m = decodeBounded(fn, bytes, maxBytes, (b) => ModelRequest.decode(b));
  checkVersion(fn, m.version);
  return { hash: hashField(fn, 'hash', m.hash) };
}

/** Encode a response header. */
export function encodeModelResponse(r: ModelResponseMessage): Uint8Array {
  return ModelResponse.encode({ version: WIRE_VERSION, ...r, status: STATUS_TO_WIRE[r.status] });
}

/** Decode and check a response header (chunking must be consistent when `ok`). */
export function decodeModelResponse(
  bytes: Uint8Array,
  maxBytes: number = MAX_HEADER_BYTES,
): ModelResponseMessage {
  const fn = 'decodeModelResponse';
  const m = decodeBounded(fn, bytes, maxBytes, (b) => ModelResponse.decode(b));
  checkVersion(fn, m.version);
  const status = (Object.keys(STATUS_TO_WIRE) as ModelResponseStatus[]).find(
    (s) => STATUS_TO_WIRE[s] === m.status,
  );
  if (status === undefined) invalid(fn, `status must be a known status, found ${m.status}`);
  if (status === 'ok') checkChunking(fn, m.size, m.chunkCount, m.chunkBytes);
  return { status, size: m.size, chunkCount: m.chunkCount, chunkBytes: m.chunkBytes };
}

/** Encode one chunk frame of a blob. */
export function encodeModelChunk(c: ChunkMessage): Uint8Array {
  return ModelChunk.encode({ index: c.index, data: c.data as Uint8Array<ArrayBuffer> });
}

/** Decode one chunk frame of a blob, checking its index and size. */
export function decodeModelChunk(
  bytes: Uint8Array,
  expectedIndex: number,
  maxData: number = MAX_CHUNK_BYTES,
): ChunkMessage {
  const fn = 'decodeModelChunk';
  const m = decodeBounded(fn, bytes, maxData + CHUNK_FRAME_OVERHEAD, (b) => ModelChunk.decode(b));
  if (m.index !== expectedIndex) invalid(fn, `index must be ${expectedIndex}, found ${m.index}`);
  if (m.data.byteLength > maxData)
    invalid(fn, `data must be <= ${maxData} bytes, found ${m.data.byteLength}`);
  return m;
}
