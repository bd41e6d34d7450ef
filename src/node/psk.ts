import { generateKey } from '@libp2p/pnet';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PskFileError } from './errors.js';

/** Length of a libp2p pnet key file (`/key/swarm/psk/1.0.0/\n/base16/\n` + 64 hex digits). */
export const PSK_BYTES = 95;

const PSK_PATTERN = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-fA-F]{64}\s*$/;

/** A fresh random federation key in the libp2p pnet format. */
export function generatePsk(): Uint8Array {
  const key = new Uint8Array(PSK_BYTES);
  generateKey(key);
  return key;
}

/** Write a fresh federation key to `path` (mode 0600; refuses to overwrite) and return it. */
export async function writePskFile(path: string): Promise<Uint8Array> {
  const key = generatePsk();
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, key, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw new PskFileError(`Error in writePskFile: ${path} must not exist yet, found ${String(err)}`, {
      cause: err,
    });
  }
  return key;
}

/** Load a federation key file; `PskFileError` when missing or not in the pnet format. */
export async function loadPskFile(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new PskFileError(
      `Error in loadPskFile: ${path} must be a readable key file, found ${String(err)}`,
      {
        cause: err,
      },
    );
  }
  checkPsk('loadPskFile', bytes);
  return new Uint8Array(bytes);
}

/** Throws `PskFileError` unless `key` is a libp2p pnet key. */
export function checkPsk(fn: string, key: Uint8Array): void {
  const text = new TextDecoder().decode(key);
  if (!PSK_PATTERN.test(text)) {
    throw new PskFileError(
      `Error in ${fn}: key must be "/key/swarm/psk/1.0.0/\\n/base16/\\n" followed by 64 hex digits, found ${key.byteLength} bytes starting ${JSON.stringify(text.slice(0, 24))}`,
    );
  }
}
