import type { Uint8ArrayList } from 'uint8arraylist';
import {
  InvalidMessageFieldError,
  MalformedMessageError,
  MessageTooLargeError,
  UnsupportedVersionError,
} from '../errors.js';
import { HASH_BYTES, toHex } from '../hash.js';
import { WIRE_VERSION, FEDERATION_NAME_PATTERN } from '../ids.js';
import { MAX_CHUNK_BYTES, MAX_PEER_ID_CHARS } from './limits.js';

/** Base58btc peer ID strings (`12D3KooW...`, `Qm...`). */
export const PEER_ID_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{16,128}$/;

/** Decode `bytes` with a protons decoder after a size check; decoder failures become `MalformedMessageError`. */
export function decodeBounded<T>(
  fn: string,
  bytes: Uint8Array | Uint8ArrayList,
  maxBytes: number,
  decode: (b: Uint8Array | Uint8ArrayList) => T,
): T {
  if (bytes.byteLength > maxBytes) {
    throw new MessageTooLargeError(`Error in ${fn}: bytes must be <= ${maxBytes}, found ${bytes.byteLength}`);
  }
  try {
    return decode(bytes);
  } catch (err) {
    throw new MalformedMessageError(`Error in ${fn}: bytes must decode as a message, found ${String(err)}`, {
      cause: err,
    });
  }
}

/** Throws `UnsupportedVersionError` unless `version === WIRE_VERSION`. */
export function checkVersion(fn: string, version: number): void {
  if (version !== WIRE_VERSION) {
    throw new UnsupportedVersionError(`Error in ${fn}: version must be ${WIRE_VERSION}, found ${version}`);
  }
}

/** Hex of a 32-byte hash field (or '' when empty and `optional`). */
export function hashField(fn: string, field: string, bytes: Uint8Array, optional = false): string {
  if (optional && bytes.byteLength === 0) return '';
  if (bytes.byteLength !== HASH_BYTES) {
    invalid(
      fn,
      `${field} must be ${HASH_BYTES} bytes${optional ? ' or empty' : ''}, found ${bytes.byteLength}`,
    );
  }
  return toHex(bytes);
}

/** Checks a peer ID string field. */
export function checkPeerIdField(fn: string, field: string, peer: string): void {
  if (peer.length > MAX_PEER_ID_CHARS || !PEER_ID_PATTERN.test(peer)) {
    invalid(fn, `${field} must be a base58btc peer ID, found ${JSON.stringify(peer.slice(0, 80))}`);
  }
}

/** Checks a federation name field. */
export function checkFederationField(fn: string, federation: string): void {
  if (!FEDERATION_NAME_PATTERN.test(federation)) {
    invalid(
      fn,
      `federation must match ${FEDERATION_NAME_PATTERN}, found ${JSON.stringify(federation.slice(0, 80))}`,
    );
  }
}

/** Checks a non-negative safe integer field. */
export function checkCount(fn: string, field: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    invalid(fn, `${field} must be an integer in [0, ${max}], found ${value}`);
  }
}

/** Checks that `chunkCount` chunks of `chunkBytes` carry exactly `size` bytes. */
export function checkChunking(fn: string, size: number, chunkCount: number, chunkBytes: number): void {
  checkCount(fn, 'size', size);
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
    invalid(fn, `chunk bytes must be an integer in [1, ${MAX_CHUNK_BYTES}], found ${chunkBytes}`);
  }
  const expected = Math.ceil(size / chunkBytes);
  if (chunkCount !== expected) {
    invalid(fn, `chunk count must be ceil(${size} / ${chunkBytes}) = ${expected}, found ${chunkCount}`);
  }
}

/** Throws `InvalidMessageFieldError` with the usual message shape. */
export function invalid(fn: string, detail: string): never {
  throw new InvalidMessageFieldError(`Error in ${fn}: ${detail}`);
}
