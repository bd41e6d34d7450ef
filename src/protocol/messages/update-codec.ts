import { TENSOR_ENCODINGS, type TensorEncoding } from '../compression/container.js';
import { fromHex } from '../hash.js';
import { WIRE_VERSION } from '../ids.js';
import {
  checkChunking,
  checkCount,
  checkFederationField,
  checkPeerIdField,
  checkVersion,
  decodeBounded,
  hashField,
  invalid,
} from './checks.js';
import { CHUNK_FRAME_OVERHEAD, MAX_CHUNK_BYTES, MAX_HEADER_BYTES, MAX_REASON_CHARS } from './limits.js';
import { UpdateAck, UpdateChunk, UpdateHeader } from './update.pb.js';

/** The header that opens an update push. */
export interface UpdateHeaderMessage {
  federation: string;
  round: number;
  /** Peer ID of the sender; must be the remote peer of the stream. */
  sender: string;
  sampleCount: number;
  /** Hex SHA-256 of the global model the update derives from, or ''. */
  baseHash: string;
  encoding: TensorEncoding;
  bodyBytes: number;
  chunkCount: number;
  chunkBytes: number;
  /** Hex SHA-256 of the body. */
  bodyHash: string;
}

/** One chunk frame of a transfer. */
export interface ChunkMessage {
  index: number;
  data: Uint8Array;
}

/** The aggregator's answer to an update push. */
export interface UpdateAckMessage {
  accepted: boolean;
  /** Rejection reason (a `RejectionReason` of validate.ts, or a transport reason), '' when accepted. */
  reason: string;
  detail: string;
}

const ENCODING_TO_WIRE: Record<TensorEncoding, UpdateHeader.Encoding> = {
  fp32: UpdateHeader.Encoding.FP32,
  fp16: UpdateHeader.Encoding.FP16,
  int8: UpdateHeader.Encoding.INT8,
  topk: UpdateHeader.Encoding.TOPK,
};

/** Encode an update header. */
export function encodeUpdateHeader(h: UpdateHeaderMessage): Uint8Array {
  return UpdateHeader.encode({
    version: WIRE_VERSION,
    federation: h.federation,
    round: h.round,
    sender: h.sender,
    sampleCount: h.sampleCount,
    baseHash: h.baseHash === '' ? new Uint8Array(0) : fromHex(h.baseHash),
    encoding: ENCODING_TO_WIRE[h.encoding],
    bodyBytes: h.bodyBytes,
    chunkCount: h.chunkCount,
    chunkBytes: h.chunkBytes,
    bodyHash: fromHex(h.bodyHash),
  });
}

/** Decode and check an update header (version, names, hashes, chunking consistency). */
export function decodeUpdateHeader(
  bytes: Uint8Array,
  maxBytes: number = MAX_HEADER_BYTES,
): UpdateHeaderMessage {
  const fn = 'decodeUpdateHeader';
  const m = decodeBounded(fn, bytes, maxBytes, (b) => UpdateHeader.decode(b));
  checkVersion(fn, m.version);
  checkFederationField(fn, m.federation);
  checkPeerIdField(fn, 'sender', m.sender);
  checkCount(fn, 'sample count', m.sampleCount);
  checkChunking(fn, m.bodyBytes, m.chunkCount, m.chunkBytes);
  const encoding = TENSOR_ENCODINGS.find((e) => ENCODING_TO_WIRE[e] === m.encoding);
  if (encoding === undefined)
    invalid(fn, `encoding must be one of ${TENSOR_ENCODINGS.join(', ')}, found ${m.encoding}`);
  return {
    federation: m.federation,
    round: m.round,
    sender: m.sender,
    sampleCount: m.sampleCount,
    baseHash: hashField(fn, 'base hash', m.baseHash, true),
    encoding,
    bodyBytes: m.bodyBytes,
    chunkCount: m.chunkCount,
    chunkBytes: m.chunkBytes,
    bodyHash: hashField(fn, 'body hash', m.bodyHash),
  };
}

/** Encode one chunk frame of an update body. */
export function encodeUpdateChunk(c: ChunkMessage): Uint8Array {
  return UpdateChunk.encode({ index: c.index, data: c.data as Uint8Array<ArrayBuffer> });
}

/** Decode one chunk frame; `expectedIndex` and `maxData` guard against reordering and oversize. */
export function decodeUpdateChunk(
  bytes: Uint8Array,
  expectedIndex: number,
  maxData: number = MAX_CHUNK_BYTES,
): ChunkMessage {
  const fn = 'decodeUpdateChunk';
  const m = decodeBounded(fn, bytes, maxData + CHUNK_FRAME_OVERHEAD, (b) => UpdateChunk.decode(b));
  if (m.index !== expectedIndex) invalid(fn, `index must be ${expectedIndex}, found ${m.index}`);
  if (m.data.byteLength > maxData)
    invalid(fn, `data must be <= ${maxData} bytes, found ${m.data.byteLength}`);
  return m;
}

/** Encode an ack. */
export function encodeUpdateAck(a: UpdateAckMessage): Uint8Array {
  return UpdateAck.encode({ version: WIRE_VERSION, ...a });
}

/** Decode and check an ack. */
export function decodeUpdateAck(bytes: Uint8Array, maxBytes: number = MAX_HEADER_BYTES): UpdateAckMessage {
  const fn = 'decodeUpdateAck';
  const m = decodeBounded(fn, bytes, maxBytes, (b) => UpdateAck.decode(b));
  checkVersion(fn, m.version);
  if (m.reason.length > MAX_REASON_CHARS || m.detail.length > MAX_REASON_CHARS) {
    invalid(
      fn,
      `reason and detail must be <= ${MAX_REASON_CHARS} chars, found ${m.reason.length + m.detail.length}`,
    );
  }
  if (m.accepted === (m.reason !== '')) invalid(fn, 'reason must be empty exactly when accepted');
  return { accepted: m.accepted, reason: m.reason, detail: m.detail };
}
