import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/util/rng.js';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'fedmetanas-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random bytes. */
export function randomBytes(n: number, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** `n` labels cycling over `numClasses`. */
export function cyclicLabels(n: number, numClasses: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % numClasses);
}

/** Assert `fn` throws an error whose `name` is `name` (and message matches `pattern`). */
export function throwsNamed(fn: () => unknown, name: string, pattern?: RegExp): void {
  assert.throws(fn, (err: Error) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

/** Assert `fn` rejects with an error whose `name` is `name` (and message matches `pattern`). */
export async function rejectsNamed(
  fn: () => Promise<unknown>,
  name: string,
  pattern?: RegExp,
): Promise<void> {
  await assert.rejects(fn, (err: Error) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}
