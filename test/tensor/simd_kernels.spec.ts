import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/tensor/backend.js';
import { convGeometry, explicitPadding, type ConvGeometry } from '../../src/tensor/kernels/conv_geometry.js';
import { depthwiseSimd, setDepthwiseSimd } from '../../src/tensor/kernels/simd/depthwise_simd.js';
import type { ConvPadding } from '../../src/tensor/ops/index.js';
import { normals, relativeError } from './conv_cases.js';

const TOLERANCE = 1e-4;

/** One depthwise case (channel multiplier 1). */
interface SimdCase {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  s: number | [number, number];
  d: number | [number, number];
  pad: ConvPadding;
}

function geometry(c: SimdCase): ConvGeometry {
  return convGeometry([c.n, c.h, c.w, c.c], [c.k, c.k, c.c, 1], c.s, c.d, c.pad, undefined, true);
}

/** `dW` and `dx` in float64 by the definition, as loops over every output pixel and tap. */
function reference(g: ConvGeometry, x: Float32Array, dy: Float32Array, filter: Float32Array) {
  const dW = new Float64Array(g.filterHeight * g.filterWidth * g.inChannels);
  const dx = new Float64Array(g.batch * g.inHeight * g.inWidth * g.inChannels);
  const c = g.inChannels;
  for (let b = 0; b < g.batch; b++)
    for (let i = 0; i < g.outHeight; i++)
      for (let j = 0; j < g.outWidth; j++)
        for (let th = 0; th < g.filterHeight; th++)
          for (let tw = 0; tw < g.filterWidth; tw++) {
            const r = i * g.strideHeight + th * g.dilationHeight - g.padTop;
            const q = j * g.strideWidth + tw * g.dilationWidth - g.padLeft;
            if (r < 0 || r >= g.inHeight || q < 0 || q >= g.inWidth) continue;
            for (let k = 0; k < c; k++) {
              const xi = ((b * g.inHeight + r) * g.inWidth + q) * c + k;
              const yi = ((b * g.outHeight + i) * g.outWidth + j) * c + k;
              const wi = (th * g.filterWidth + tw) * c + k;
              dW[wi] += x[xi] * dy[yi];
              dx[xi] += filter[wi] * dy[yi];
            }
          }
  return { dW, dx };
}

/** `[dx, dW]` from the wasm kernels, with the SIMD kernels on or off. */
function kernels(c: SimdCase, seed: number, simd: boolean): { dx: Float32Array; dW: Float32Array } {
  const previous = setDepthwiseSimd(simd);
  try {
    const g = geometry(c);
    const inputShape: [number, number, number, number] = [c.n, c.h, c.w, c.c];
    const filterShape: [number, number, number, number] = [c.k, c.k, c.c, 1];
    return tf.tidy(() => {
      const x = tf.tensor4d(normals(c.n * c.h * c.w * c.c, seed), inputShape);
      const filter = tf.tensor4d(normals(c.k * c.k * c.c, seed + 1), filterShape);
      const dy = tf.tensor4d(normals(c.n * g.outHeight * g.outWidth * c.c, seed + 2), [
        c.n,
        g.outHeight,
        g.outWidth,
        c.c,
      ]);
      const attrs = {
        strides: c.s,
        dilations: c.d,
        pad: c.pad,
        dataFormat: 'NHWC',
      } as unknown as tf.NamedAttrMap;
      const run = (name: string, inputs: tf.NamedTensorMap, extra: object): Float32Array =>
        (tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor).dataSync() as Float32Array;
      return {
        dx: run('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { inputShape }),
        dW: run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { filterShape }),
      };
    });
  } finally {
    setDepthwiseSimd(previous);
  }
}

function check(c: SimdCase, seed: number): void {
  const g = geometry(c);
  const x = normals(c.n * c.h * c.w * c.c, seed);
  const filter = normals(c.k * c.k * c.c, seed + 1);
  const dy = normals(c.n * g.outHeight * g.outWidth * c.c, seed + 2);
  const ref = reference(g, x, dy, filter);
  const simd = kernels(c, seed, true);
  const fallback = kernels(c, seed, false);
  const label = JSON.stringify(c);
  for (const [name, got, want] of [
    ['dW simd vs reference', simd.dW, ref.dW],
    ['dx simd vs reference', simd.dx, ref.dx],
    ['dW simd vs fallback', simd.dW, fallback.dW],
    ['dx simd vs fallback', simd.dx, fallback.dx],
  ] as const) {
    const err = relativeError(got, want);
    assert.ok(err <= TOLERANCE, `${name}: relative error ${err} for ${label}`);
  }
}

describe('tensor/kernels/simd depthwise backprop kernels (WebAssembly SIMD) [wasm]', function () {
  before(async function () {
    await initBackend('wasm');
  });

  it('are available on the wasm backend', function () {
    assert.notEqual(depthwiseSimd(tf.backend()), null);
  });

  const cases: [string, SimdCase][] = [
    ['odd width, channels a multiple of 4', { n: 2, h: 7, w: 9, c: 8, k: 3, s: 1, d: 1, pad: 'same' }],
    ['c = 1 (scalar lanes only)', { n: 1, h: 5, w: 7, c: 1, k: 3, s: 1, d: 1, pad: 'same' }],
    ['c = 3', { n: 2, h: 6, w: 5, c: 3, k: 3, s: 2, d: 1, pad: 'same' }],
    ['c = 5', { n: 1, h: 9, w: 11, c: 5, k: 5, s: 1, d: 1, pad: 'same' }],
    ['c = 7, stride 2', { n: 2, h: 9, w: 9, c: 7, k: 3, s: 2, d: 1, pad: 'valid' }],
    ['c = 20 (16-lane body + 4-lane tail)', { n: 2, h: 8, w: 7, c: 20, k: 3, s: 2, d: 1, pad: 'same' }],
    ['c = 18 (16-lane body + scalar tail)', { n: 1, h: 6, w: 6, c: 18, k: 3, s: 1, d: 2, pad: 'same' }],
    [
      'explicit padding on both sides, unequal',
      { n: 2, h: 6, w: 7, c: 4, k: 3, s: 1, d: 1, pad: explicitPadding(2, 1, 3, 2) },
    ],
    [
      'padding wider than the dilated filter reaches',
      { n: 1, h: 3, w: 4, c: 8, k: 3, s: 2, d: 2, pad: explicitPadding(3, 3, 5, 4) },
    ],
    ['stride 2', { n: 2, h: 11, w: 11, c: 16, k: 3, s: 2, d: 1, pad: 'same' }],
    ['dilation 2', { n: 2, h: 10, w: 9, c: 16, k: 3, s: 1, d: 2, pad: 'same' }],
    ['stride 2 + dilation 2', { n: 2, h: 13, w: 12, c: 16, k: 3, s: 2, d: 2, pad: 'same' }],
    ['stride 2 + dilation 2, 5x5', { n: 2, h: 14, w: 15, c: 12, k: 5, s: 2, d: 2, pad: 'same' }],
    ['unequal strides and dilations', { n: 1, h: 10, w: 9, c: 6, k: 3, s: [2, 1], d: [1, 2], pad: 'same' }],
    ['stride 3, valid', { n: 1, h: 10, w: 11, c: 4, k: 3, s: 3, d: 1, pad: 'valid' }],
    ['1x1 filter, stride 2', { n: 2, h: 5, w: 5, c: 9, k: 1, s: 2, d: 1, pad: 'valid' }],
    [
      'bench shape (f32 accumulation over 4x28 rows)',
      { n: 4, h: 28, w: 28, c: 16, k: 5, s: 1, d: 1, pad: 'same' },
    ],
  ];
  cases.forEach(([title, c], index) => {
    it(`match the float64 reference and the fallbacks: ${title}`, function () {
      check(c, 100 + index);
    });
  });

  it('match the reference on random shapes (channels 1-20, strides 1-3, dilations 1-2, paddings)', function () {
    const pad = fc.oneof(
      fc.constant<ConvPadding>('same'),
      fc.constant<ConvPadding>('valid'),
      fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)).map(([t, b, l, r]) => explicitPadding(t, b, l, r)),
    );
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 12 }),
      w: fc.integer({ min: 1, max: 12 }),
      c: fc.integer({ min: 1, max: 20 }),
      k: fc.constantFrom(1, 3, 5),
      s: fc.constantFrom(1, 2, 3),
      d: fc.constantFrom(1, 2),
      pad,
      seed: fc.nat(1000),
    });
    fc.assert(
      fc.property(arb, ({ seed, ...c }) => {
        const eff = (c.k - 1) * c.d + 1;
        const [t, b, l, r] = Array.isArray(c.pad)
          ? [c.pad[1][0], c.pad[1][1], c.pad[2][0], c.pad[2][1]]
          : [0, 0, 0, 0];
        fc.pre(c.pad === 'same' || (c.h + t + b >= eff && c.w + l + r >= eff));
        check(c, seed);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('leave no tensors and no heap growth behind', function () {
    const c: SimdCase = { n: 2, h: 9, w: 9, c: 8, k: 3, s: 2, d: 2, pad: 'same' };
    kernels(c, 1, true);
    const heap = (): number =>
      (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const tensors = tf.memory().numTensors;
    const heapBefore = heap();
    for (let i = 0; i < 20; i++) kernels(c, 1, true);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(heap(), heapBefore);
  });
});
