import { readFile, rename, writeFile } from 'node:fs/promises';
import { decodeModelState, encodeModelState } from './codec.js';
import type { ModelState } from './types.js';

/** Write an encoded state to `path` atomically (a temporary file renamed over it). Returns the byte count. */
export async function saveModelStateFile(path: string, state: ModelState): Promise<number> {
  const bytes = encodeModelState(state);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return bytes.length;
}

/** Read and decode a state file; errors name the file. */
export async function loadModelStateFile(path: string): Promise<ModelState> {
  const bytes = await readFile(path);
  return decodeModelState(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    `loadModelStateFile(${path})`,
  );
}
