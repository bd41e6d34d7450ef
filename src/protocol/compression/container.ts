import {
  CompressionError,
  MalformedMessageError,
  MessageTooLargeError,
  ProtocolArgumentError,
} from '../errors.js';
import { decodeFp16, encodeFp16 } from './fp16.js';
import { dequantizeInt8, quantizeInt8 } from './int8.js';
import { densify, type SparseTensor } from './topk.js';

/**
 * A self-describing binary container of named float tensors (little-endian):
 *
 *     header  "FMTZ" | version u8 | encoding u8 | reserved u16 | count u32          (12 bytes)
 *     entry   nameLength u16 | name (UTF-8) | length u32 | payload
 *     payload fp32: length × f32 | fp16: length × u16 | int8: scale f32, length × i8
 *             topk: k u32, k × index u32 (strictly increasing), k × value f32
 */

/** How the entries of a container are stored. */
export type TensorEncoding = 'fp32' | 'fp16' | 'int8' | 'topk';

/** Encodings in wire order (the byte in the header is the index). */
export const TENSOR_ENCODINGS: readonly TensorEncoding[] = ['fp32', 'fp16', 'int8', 'topk'];

/** Version byte written in the header. */
export const CONTAINER_VERSION = 1;

/** Default upper bound on an encoded container accepted by `decodeTensors`. */
export const DEFAULT_MAX_CONTAINER_BYTES = 1 << 30;

/** Default upper bound on the number of tensors in a container. */
export const DEFAULT_MAX_TENSORS = 100_000;

/** Limits applied by `decodeTensors`. */
export interface ContainerLimits {
  maxBytes?: number;
  maxTensors?: number;
}

/** A decoded container: the encoding used on the wire and dense float32 tensors. */
export interface DecodedTensors {
  encoding: TensorEncoding;
  tensors: Record<string, Float32Array>;
}

const MAGIC = [0x46, 0x4d, 0x54, 0x5a];
const HEADER_BYTES = 12;
const MAX_NAME_BYTES = 0xffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Encode dense tensors as fp32, fp16 or int8 (use `encodeSparseTensors` for top-k). */
export function encodeTensors(
  tensors: Record<string, Float32Array>,
  encoding: Exclude<TensorEncoding, 'topk'>,
): Uint8Array {
  checkHost('encodeTensors');
  const entries = Object.entries(tensors).map(([name, values]) => {
    if (encoding === 'fp32') return { name, length: values.length, parts: [bytesOf(values)] };
    if (encoding === 'fp16') return { name, length: values.length, parts: [bytesOf(encodeFp16(values))] };
    if (encoding === 'int8') {
      const { scale, q } = quantizeInt8(values);
      return { name, length: values.length, parts: [bytesOf(new Float32Array([scale])), bytesOf(q)] };
    }
    throw new ProtocolArgumentError(
      `Error in encodeTensors: encoding must be fp32, fp16 or int8, found ${encoding}`,
    );
  });
  return writeContainer(encoding, entries);
}

/** Encode top-k sparse tensors (see `compressTopK`). */
export function encodeSparseTensors(sparse: Record<string, SparseTensor>): Uint8Array {
  checkHost('encodeSparseTensors');
  const entries = Object.entries(sparse).map(([name, s]) => ({
    name,
    length: s.length,
    parts: [bytesOf(new Uint32Array([s.indices.length])), bytesOf(s.indices), bytesOf(s.values)],
  }));
  return writeContainer('topk', entries);
}

/**
 * Decode a container into dense float32 tensors (top-k entries are densified with zeros). Throws
 * `MessageTooLargeError` beyond the limits and `MalformedMessageError` on any inconsistency.
 */
export function decodeTensors(bytes: Uint8Array, limits: ContainerLimits = {}): DecodedTensors {
  checkHost('decodeTensors');
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_CONTAINER_BYTES;
  const maxTensors = limits.maxTensors ?? DEFAULT_MAX_TENSORS;
  if (bytes.byteLength > maxBytes) {
    throw new MessageTooLargeError(
      `Error in decodeTensors: bytes must be <= ${maxBytes}, found ${bytes.byteLength}`,
    );
  }
  const r = new Reader(bytes);
  const magic = r.take(4, 'magic');
  if (MAGIC.some((m, i) => magic[i] !== m)) malformed('magic must be "FMTZ", found another value');
  const version = r.u8('version');
  if (version !== CONTAINER_VERSION) malformed(`version must be ${CONTAINER_VERSION}, found ${version}`);
  const encoding = TENSOR_ENCODINGS[r.u8('encoding')];
  if (encoding === undefined) malformed('encoding must be 0-3, found another value');
  r.take(2, 'reserved');
  const count = r.u32('count');
  if (count > maxTensors) {
    throw new MessageTooLargeError(
      `Error in decodeTensors: tensor count must be <= ${maxTensors}, found ${count}`,
    );
  }
  const tensors: Record<string, Float32Array> = Object.create(null);
  for (let t = 0; t < count; t++) {
    const name = r.utf8(r.u16('name length'), 'name');
    if (name in tensors) malformed(`tensor names must be unique, found ${JSON.stringify(name)} twice`);
    const length = r.u32(`length of ${name}`);
    tensors[name] = readPayload(r, encoding, name, length);
  }
  if (r.remaining() !== 0)
    malformed(`container must end after ${count} tensors, found ${r.remaining()} extra bytes`);
  return { encoding, tensors: { ...tensors } };
}

function readPayload(r: Reader, encoding: TensorEncoding, name: string, length: number): Float32Array {
  switch (encoding) {
    case 'fp32':
      return new Float32Array(r.copy(length * 4, name).buffer);
    case 'fp16':
      return decodeFp16(new Uint16Array(r.copy(length * 2, name).buffer));
    case 'int8': {
      const scale = new Float32Array(r.copy(4, `scale of ${name}`).buffer)[0];
      if (!(scale >= 0) || !Number.isFinite(scale))
        malformed(`scale of ${name} must be finite and >= 0, found ${scale}`);
      return dequantizeInt8({ scale, q: new Int8Array(r.copy(length, name).buffer) });
    }
    case 'topk': {
      const k = r.u32(`k of ${name}`);
      if (k > length) malformed(`k of ${name} must be <= its length ${length}, found ${k}`);
      const indices = new Uint32Array(r.copy(k * 4, `indices of ${name}`).buffer);
      const values = new Float32Array(r.copy(k * 4, `values of ${name}`).buffer);
      for (let i = 0; i < k; i++) {
        if (indices[i] >= length || (i > 0 && indices[i] <= indices[i - 1])) {
          malformed(`indices of ${name} must increase strictly below ${length}, found ${indices[i]} at ${i}`);
        }
      }
      return densify({ length, indices, values });
    }
  }
}

function writeContainer(
  encoding: TensorEncoding,
  entries: { name: string; length: number; parts: Uint8Array[] }[],
): Uint8Array {
  const names = entries.map((e) => {
    const b = utf8.encode(e.name);
    if (b.byteLength > MAX_NAME_BYTES) {
      throw new ProtocolArgumentError(
        `Error in encodeTensors: tensor names must be <= ${MAX_NAME_BYTES} UTF-8 bytes, found ${b.byteLength}`,
      );
    }
    return b;
  });
  let total = HEADER_BYTES;
  entries.forEach((e, i) => {
    total += 2 + names[i].byteLength + 4;
    for (const p of e.parts) total += p.byteLength;
  });
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = CONTAINER_VERSION;
  out[5] = TENSOR_ENCODINGS.indexOf(encoding);
  view.setUint32(8, entries.length, true);
  let off = HEADER_BYTES;
  entries.forEach((e, i) => {
    view.setUint16(off, names[i].byteLength, true);
    out.set(names[i], off + 2);
    off += 2 + names[i].byteLength;
    view.setUint32(off, e.length, true);
    off += 4;
    for (const p of e.parts) {
      out.set(p, off);
      off += p.byteLength;
    }
  });
  return out;
}

class Reader {
  private off = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  remaining(): number {
    return this.bytes.byteLength - this.off;
  }
  take(n: number, what: string): Uint8Array {
    if (n > this.remaining()) malformed(`${what} needs ${n} bytes, found ${this.remaining()} left`);
    const out = this.bytes.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  copy(n: number, what: string): Uint8Array {
    return this.take(n, what).slice();
  }
  u8(what: string): number {
    return this.take(1, what)[0];
  }
  u16(what: string): number {
    this.take(2, what);
    return this.view.getUint16(this.off - 2, true);
  }
  u32(what: string): number {
    this.take(4, what);
    return this.view.getUint32(this.off - 4, true);
  }
  utf8(n: number, what: string): string {
    try {
      return utf8Strict.decode(this.take(n, what));
    } catch (err) {
      if (err instanceof MalformedMessageError) throw err;
      return malformed(`${what} must be valid UTF-8`);
    }
  }
}

function bytesOf(a: Float32Array | Uint16Array | Uint32Array | Int8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function malformed(detail: string): never {
  throw new MalformedMessageError(`Error in decodeTensors: ${detail}`);
}

function checkHost(fn: string): void {
  if (!LITTLE_ENDIAN)
    throw new CompressionError(`Error in ${fn}: host must be little-endian, found big-endian`);
}
