import { BadMagicError, CorruptFileError, TruncatedFileError } from '../errors.js';

/** Magic number of an IDX file of uint8 images `[n, rows, cols]`. */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of uint8 labels `[n]`. */
export const IDX_LABELS_MAGIC = 2049;

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  dims: number[];
  /** A view on the input bytes (no copy). */
  data: Uint8Array;
}

/**
 * Parse an uncompressed IDX file (the MNIST format: big-endian magic `0x0000TTDD`, with type `TT`
 * 0x08 = uint8 and `DD` dimensions, then one big-endian uint32 per dimension, then the data).
 * `expectedMagic` is 2051 for images or 2049 for labels.
 */
export function parseIdx(bytes: Uint8Array, expectedMagic: number, file: string): IdxArray {
  const kind = expectedMagic === IDX_IMAGES_MAGIC ? 'images' : 'labels';
  if (bytes.length < 4) {
    throw new TruncatedFileError(
      `Error in ${file}: expected an IDX ${kind} file with a 4-byte magic number, found only ${bytes.length} bytes.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new BadMagicError(
      `Error in ${file}: expected IDX ${kind} magic number ${expectedMagic} (0x${expectedMagic.toString(16).padStart(8, '0')}), ` +
        `found ${magic} (0x${magic.toString(16).padStart(8, '0')}).`,
    );
  }
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new TruncatedFileError(
      `Error in ${file}: expected a ${headerBytes}-byte IDX header (${ndims} dimensions), found ${bytes.length} bytes.`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const length = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerBytes;
  if (available < length) {
    throw new TruncatedFileError(
      `Error in ${file}: header announces ${dims.join('x')} = ${length} data bytes, found ${available}.`,
    );
  }
  if (available > length) {
    throw new CorruptFileError(
      `Error in ${file}: header announces ${dims.join('x')} = ${length} data bytes, found ${available} (${available - length} trailing bytes).`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Serialise a uint8 IDX array (used by tests and tools that write IDX files). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
