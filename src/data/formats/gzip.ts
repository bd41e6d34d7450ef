import { gunzipSync } from 'node:zlib';
import { CorruptFileError } from '../errors.js';

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes, gunzipped when they are gzip (detected by magic number, not file name). */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new CorruptFileError(
      `Error in ${file}: expected a valid gzip stream, found a damaged one (${(err as Error).message}).`,
      { cause: err },
    );
  }
}
