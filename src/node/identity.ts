import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IdentityFileError } from './errors.js';

/**
 * The node's persistent Ed25519 identity: loaded from `path` (libp2p protobuf private key) or, if the
 * file does not exist, generated and written there (mode 0600, atomically). Throws
 * `IdentityFileError` if the file exists but is not a valid key.
 */
export async function loadOrCreateIdentity(path: string): Promise<PrivateKey> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new IdentityFileError(
        `Error in loadOrCreateIdentity: ${path} must be readable, found ${String(err)}`,
        {
          cause: err,
        },
      );
    }
    const key = await generateKeyPair('Ed25519');
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600 });
    await rename(tmp, path);
    return key;
  }
  try {
    return privateKeyFromProtobuf(bytes);
  } catch (err) {
    throw new IdentityFileError(
      `Error in loadOrCreateIdentity: ${path} must hold a protobuf-encoded libp2p private key, found ${bytes.byteLength} bytes that do not decode (${String(err)})`,
      { cause: err },
    );
  }
}
