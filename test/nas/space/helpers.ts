import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradients } from '../../../src/tensor/gradients.js';
import type { SearchSpaceConfig } from '../../../src/nas/space/config.js';
import { Rng } from '../../../src/util/rng.js';

// Specs that build models before any `initBackend` still need tfjs-core's gradients.
await registerTfjsGradients();

/** A tiny space for numeric tests: 8x8x1 input, C=2, 3 cells (normal, reduce, reduce), 4 nodes. */
export const TINY: Partial<SearchSpaceConfig> = {
  layers: 3,
  channels: 2,
  nodes: 4,
  inChannels: 1,
  numClasses: 3,
  imageSize: 8,
};

/** A seeded random NHWC batch. */
export function randomBatch(b: number, size: number, c: number, seed = 7): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: b * size * size * c }, () => rng.normal()),
    [b, size, size, c],
  );
}

/** Max absolute difference between two tensors (or arrays). */
export function maxAbsDiff(a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): number {
  const va = a instanceof tf.Tensor ? a.dataSync() : a;
  const vb = b instanceof tf.Tensor ? b.dataSync() : b;
  if (va.length !== vb.length) throw new Error(`length ${va.length} vs ${vb.length}`);
  let m = 0;
  for (let i = 0; i < va.length; i++) m = Math.max(m, Math.abs(va[i] - vb[i]));
  return m;
}

/** Assert `actual` is within `atol + rtol * |expected|` elementwise. */
export function assertClose(
  actual: tf.Tensor | ArrayLike<number>,
  expected: tf.Tensor | ArrayLike<number>,
  atol = 1e-5,
  rtol = 1e-4,
  what = 'values',
): void {
  const va = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const vb = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  if (va.length !== vb.length) throw new Error(`${what}: length ${va.length} vs ${vb.length}`);
  for (let i = 0; i < va.length; i++) {
    const tol = atol + rtol * Math.abs(vb[i]);
    if (!(Math.abs(va[i] - vb[i]) <= tol)) {
      throw new Error(`${what}[${i}]: ${va[i]} vs ${vb[i]} (tolerance ${tol})`);
    }
  }
}
