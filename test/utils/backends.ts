import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type ResolvedBackend } from '../../src/tensor/backend.js';

/** Backends the numeric suites run on: `FEDMETANAS_TEST_BACKENDS=wasm,cpu` by default. */
export const TEST_BACKENDS: ResolvedBackend[] = (process.env.FEDMETANAS_TEST_BACKENDS ?? 'wasm,cpu')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as ResolvedBackend[];

/**
 * Run a describe block once per test backend: `forEachBackend('conv grads', (backend) => { it(...) })`.
 * The backend is started in a `before` hook of that block.
 */
export function forEachBackend(title: string, body: (backend: ResolvedBackend) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      before(async function () {
        await initBackend(backend);
      });
      body(backend);
    });
  }
}

/** Assert a block leaves no tensors behind. */
export async function expectNoLeak(fn: () => void | Promise<void>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}
