import { createHash } from 'node:crypto';
import { ProtocolArgumentError } from './errors.js';

/** Length in bytes of a SHA-256 digest, the content hash of every blob. */
export const HASH_BYTES = 32;

/** SHA-256 digest of `bytes` (one buffer or several, hashed in order). */
export function sha256(bytes: Uint8Array | readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const h = createHash('sha256');
  if (bytes instanceof Uint8Array) h.update(bytes);
  else for (const part of bytes) h.update(part);
  return new Uint8Array(h.digest());
}

/** SHA-256 digest of `bytes` as 64 lowercase hex characters. */
export function sha256Hex(bytes: Uint8Array | readonly Uint8Array[]): string {
  return toHex(sha256(bytes));
}

/** SHA-256 of a UTF-8 string as hex (used for rendezvous scores). */
export function sha256HexOfString(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string; throws `ProtocolArgumentError` on odd length or non-hex characters. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new ProtocolArgumentError(
      `Error in fromHex: hex must be an even-length string of hex digits, found ${JSON.stringify(hex.slice(0, 80))}`,
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** True when `hex` is a 64-character lowercase SHA-256 digest. */
export function isContentHash(hex: string): boolean {
  return /^[0-9a-f]{64}$/.test(hex);
}
