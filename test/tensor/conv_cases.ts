import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/tensor/backend.js';
import type { ConvPadding } from '../../src/tensor/ops/index.js';
import { Rng } from '../../src/util/rng.js';

/** One random convolution: shapes, attributes and the seed of its data. */
export interface ConvCase {
  n: number;
  h: number;
  w: number;
  c: number;
  /** Output channels (conv) or channel multiplier (depthwise). */
  out: number;
  k: number;
  s: number;
  d: number;
  pad: ConvPadding;
  seed: number;
}

const explicitPad = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)).map(([t, b, l, r]): ConvPadding => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
]);

/** Small shapes, strides 1-2, dilations 1-3, kernels 1/3/5, all padding forms. */
export function convCaseArb(dilations: number[] = [1, 2, 3]): fc.Arbitrary<ConvCase> {
  return fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 10 }),
    w: fc.integer({ min: 1, max: 10 }),
    c: fc.integer({ min: 1, max: 4 }),
    out: fc.integer({ min: 1, max: 3 }),
    k: fc.constantFrom(1, 3, 5),
    s: fc.constantFrom(1, 2),
    d: fc.constantFrom(...dilations),
    pad: fc.oneof(fc.constant<ConvPadding>('same'), fc.constant<ConvPadding>('valid'), explicitPad),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
}

/** True when the padded input covers the dilated filter (the op would throw otherwise). */
export function isValidCase(c: ConvCase): boolean {
  const eff = (c.k - 1) * c.d + 1;
  if (c.pad === 'same') return true;
  const [t, b, l, r] =
    c.pad === 'valid'
      ? [0, 0, 0, 0]
      : typeof c.pad === 'number'
        ? [c.pad, c.pad, c.pad, c.pad]
        : [c.pad[1][0], c.pad[1][1], c.pad[2][0], c.pad[2][1]];
  return c.h + t + b >= eff && c.w + l + r >= eff;
}

/** Seeded normal values. */
export function normals(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count }, () => rng.normal());
}

/** `max|a - b| / max(1, max|b|)`: relative to the reference's scale, absolute near zero. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Start both backends once (wasm last, so it stays active for the tests that follow). */
export async function initWasmAndCpu(): Promise<void> {
  await initBackend('cpu');
  await initBackend('wasm');
}

/** Run `fn` on `backend` and return the values of its outputs (the tensors are disposed). */
export async function valuesOn(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}
