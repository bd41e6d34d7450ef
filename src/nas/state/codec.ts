import {
  ModelStateChecksumError,
  ModelStateCorruptError,
  ModelStateMagicError,
  ModelStateTruncatedError,
  ModelStateVersionError,
} from '../errors.js';
import { crc32 } from './crc32.js';
import { TENSOR_SECTIONS, sizeOf, type JsonValue, type ModelState, type TensorSection } from './types.js';

/**
 * Binary model-state format, version 1 (all integers little-endian):
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | magic `FMNS` |
 * | 4 | 2 | format version (u16) |
 * | 6 | 2 | flags (u16, 0) |
 * | 8 | 4 | header length H (u32, bytes of UTF-8 JSON) |
 * | 12 | 4 | payload length P (u32) |
 * | 16 | H | header JSON: round, configHash, meta, and the tensor table |
 * | 16 + H | pad | zeros up to a multiple of 4 |
 * | ... | P | payload: each tensor in table order at 4-byte aligned offsets; float32 LE or mask uint8 |
 * | end - 4 | 4 | CRC-32 of every byte before it (u32) |
 *
 * Float bits are copied, never converted, so every value (NaN payloads included) round-trips exactly.
 */

/** First bytes of every encoded state: `FMNS`. */
export const MODEL_STATE_MAGIC = Uint8Array.of(0x46, 0x4d, 0x4e, 0x53);
/** The format version this build writes and reads. */
export const MODEL_STATE_FORMAT_VERSION = 1;
const PREFIX = 16;
const TRAILER = 4;

type Section = TensorSection | 'masks';
type Dtype = 'float32' | 'uint8';

interface TableEntry {
  section: Section;
  name: string;
  shape: number[];
  dtype: Dtype;
  offset: number;
}

interface Header {
  round: number;
  configHash: string;
  meta?: { [key: string]: JsonValue };
  tensors: TableEntry[];
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const align4 = (n: number) => (n + 3) & ~3;
const bytesPer = (dtype: Dtype) => (dtype === 'float32' ? 4 : 1);

/** Encode a state (see the format table above). Masks must hold only 0 and 1. */
export function encodeModelState(state: ModelState): Uint8Array {
  const fn = 'encodeModelState';
  const table: TableEntry[] = [];
  const sources: ArrayLike<number>[] = [];
  let offset = 0;
  const add = (section: Section, name: string, shape: number[], dtype: Dtype, data: ArrayLike<number>) => {
    if (sizeOf(shape) !== data.length) {
      throw new ModelStateCorruptError(
        `Error in ${fn}: ${section}['${name}'] must have ${sizeOf(shape)} values for shape [${shape}], found ${data.length}`,
      );
    }
    table.push({ section, name, shape: [...shape], dtype, offset });
    sources.push(data);
    offset = align4(offset + data.length * bytesPer(dtype));
  };
  for (const section of TENSOR_SECTIONS) {
    for (const [name, t] of Object.entries(state[section])) add(section, name, t.shape, 'float32', t.data);
  }
  for (const [name, m] of Object.entries(state.masks)) {
    const bad = m.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) {
      throw new ModelStateCorruptError(
        `Error in ${fn}: masks['${name}'][${bad}] must be 0 or 1, found ${m[bad]}`,
      );
    }
    add('masks', name, [m.length], 'uint8', m);
  }
  const header: Header = {
    round: state.round,
    configHash: state.configHash,
    ...(state.meta === undefined ? {} : { meta: state.meta }),
    tensors: table,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const payloadStart = align4(PREFIX + headerBytes.length);
  const total = payloadStart + offset + TRAILER;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MODEL_STATE_MAGIC, 0);
  view.setUint16(4, MODEL_STATE_FORMAT_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, headerBytes.length, true);
  view.setUint32(12, offset, true);
  out.set(headerBytes, PREFIX);
  table.forEach((entry, i) => {
    const at = payloadStart + entry.offset;
    const src = sources[i];
    if (entry.dtype === 'uint8') out.set(Uint8Array.from(src), at);
    else writeFloat32(out, at, src instanceof Float32Array ? src : Float32Array.from(src));
  });
  view.setUint32(total - TRAILER, crc32(out.subarray(0, total - TRAILER)), true);
  return out;
}

/**
 * Decode bytes written by `encodeModelState`. Throws `ModelStateTruncatedError`, `ModelStateMagicError`,
 * `ModelStateVersionError`, `ModelStateChecksumError` or `ModelStateCorruptError` (bad header or table),
 * each naming what was expected and what was found. `source` names the input in messages.
 */
export function decodeModelState(bytes: Uint8Array, source = 'decodeModelState'): ModelState {
  const fn = `Error in ${source}`;
  if (bytes.length < PREFIX + TRAILER) {
    throw new ModelStateTruncatedError(
      `${fn}: input must be at least ${PREFIX + TRAILER} bytes, found ${bytes.length}`,
    );
  }
  const magic = bytes.subarray(0, 4);
  if (!magic.every((b, i) => b === MODEL_STATE_MAGIC[i])) {
    throw new ModelStateMagicError(
      `${fn}: input must start with magic ${hex(MODEL_STATE_MAGIC)} ('FMNS'), found ${hex(magic)}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== MODEL_STATE_FORMAT_VERSION) {
    throw new ModelStateVersionError(
      `${fn}: format version must be ${MODEL_STATE_FORMAT_VERSION}, found ${version}`,
    );
  }
  const headerLength = view.getUint32(8, true);
  const payloadLength = view.getUint32(12, true);
  const payloadStart = align4(PREFIX + headerLength);
  const total = payloadStart + payloadLength + TRAILER;
  if (bytes.length < total) {
    throw new ModelStateTruncatedError(
      `${fn}: input must be ${total} bytes as its prefix declares, found ${bytes.length}`,
    );
  }
  if (bytes.length > total) {
    throw new ModelStateCorruptError(
      `${fn}: input must be ${total} bytes as its prefix declares, found ${bytes.length} (trailing bytes)`,
    );
  }
  const stored = view.getUint32(total - TRAILER, true);
  const actual = crc32(bytes.subarray(0, total - TRAILER));
  if (stored !== actual) {
    throw new ModelStateChecksumError(
      `${fn}: CRC-32 must be ${hex32(stored)} as stored, found ${hex32(actual)} for the contents`,
    );
  }
  const header = parseHeader(bytes.subarray(PREFIX, PREFIX + headerLength), fn);
  const state: ModelState = {
    weights: {},
    alphas: {},
    buffers: {},
    masks: {},
    round: header.round,
    configHash: header.configHash,
    ...(header.meta === undefined ? {} : { meta: header.meta }),
  };
  let expectedOffset = 0;
  for (const e of header.tensors) {
    const n = sizeOf(e.shape);
    const byteLength = n * bytesPer(e.dtype);
    if (e.offset !== expectedOffset || e.offset + byteLength > payloadLength) {
      throw new ModelStateCorruptError(
        `${fn}: ${e.section}['${e.name}'] must lie at payload offset ${expectedOffset} within ${payloadLength} bytes, found offset ${e.offset} and ${byteLength} bytes`,
      );
    }
    expectedOffset = align4(e.offset + byteLength);
    const at = payloadStart + e.offset;
    const target = e.section === 'masks' ? state.masks : state[e.section];
    if (Object.prototype.hasOwnProperty.call(target, e.name)) {
      throw new ModelStateCorruptError(`${fn}: ${e.section} names must be unique, found '${e.name}' twice`);
    }
    if (e.section === 'masks') state.masks[e.name] = Float32Array.from(bytes.subarray(at, at + n));
    else state[e.section][e.name] = { shape: e.shape, data: readFloat32(bytes, at, n) };
  }
  if (expectedOffset !== payloadLength) {
    throw new ModelStateCorruptError(
      `${fn}: payload must be ${expectedOffset} bytes for its table, found ${payloadLength}`,
    );
  }
  return state;
}

function parseHeader(bytes: Uint8Array, fn: string): Header {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ModelStateCorruptError(`${fn}: header must be UTF-8 JSON, found ${(err as Error).message}`, {
      cause: err,
    });
  }
  const bad = (what: string, found: unknown): never => {
    throw new ModelStateCorruptError(`${fn}: header ${what}, found ${JSON.stringify(found)}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('must be a JSON object', raw);
  const h = raw as Record<string, unknown>;
  if (!Number.isInteger(h.round) || (h.round as number) < 0) bad('round must be an integer >= 0', h.round);
  if (typeof h.configHash !== 'string') bad('configHash must be a string', h.configHash);
  if (h.meta !== undefined && (h.meta === null || typeof h.meta !== 'object' || Array.isArray(h.meta))) {
    bad('meta must be an object', h.meta);
  }
  if (!Array.isArray(h.tensors)) return bad('tensors must be an array', h.tensors);
  for (const t of h.tensors as unknown[]) {
    const e = t as Partial<TableEntry> | null;
    const ok =
      e !== null &&
      typeof e === 'object' &&
      typeof e.name === 'string' &&
      (e.section === 'masks'
        ? e.dtype === 'uint8'
        : TENSOR_SECTIONS.includes(e.section as TensorSection) && e.dtype === 'float32') &&
      Array.isArray(e.shape) &&
      e.shape.every((d) => Number.isInteger(d) && d >= 0) &&
      Number.isInteger(e.offset);
    if (!ok)
      bad('tensors entries must be {section, name, shape, dtype, offset} with a known section/dtype pair', t);
  }
  return h as unknown as Header;
}

function writeFloat32(out: Uint8Array, at: number, src: Float32Array): void {
  const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (LITTLE_ENDIAN) {
    out.set(bytes, at);
    return;
  }
  for (let i = 0; i < bytes.length; i += 4) {
    out[at + i] = bytes[i + 3];
    out[at + i + 1] = bytes[i + 2];
    out[at + i + 2] = bytes[i + 1];
    out[at + i + 3] = bytes[i];
  }
}

function readFloat32(bytes: Uint8Array, at: number, n: number): Float32Array {
  const copy = bytes.slice(at, at + n * 4);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < copy.length; i += 4) {
      [copy[i], copy[i + 1], copy[i + 2], copy[i + 3]] = [copy[i + 3], copy[i + 2], copy[i + 1], copy[i]];
    }
  }
  return new Float32Array(copy.buffer, copy.byteOffset, n);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
