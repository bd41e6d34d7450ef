import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { ConvArgumentError } from '../../src/tensor/errors.js';
import { conv2d, depthwiseConv2d, resolveConvStrategy } from '../../src/tensor/ops/index.js';
import { forEachBackend } from '../utils/backends.js';
import {
  convCaseArb,
  initWasmAndCpu,
  isValidCase,
  normals,
  relativeError,
  valuesOn,
  type ConvCase,
} from './conv_cases.js';

const TOLERANCE = 1e-4;

/** Output, dx and dW of one op for a case, with a fixed random upstream gradient. */
function forwardAndGrads(kind: 'conv' | 'depthwise', c: ConvCase): tf.Tensor[] {
  const x = tf.tensor4d(normals(c.n * c.h * c.w * c.c, c.seed), [c.n, c.h, c.w, c.c]);
  const fShape: [number, number, number, number] = [c.k, c.k, c.c, c.out];
  const filter = tf.tensor4d(normals(c.k * c.k * c.c * c.out, c.seed + 1), fShape);
  const op = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D =>
    (kind === 'conv' ? conv2d : depthwiseConv2d)(a, b, { strides: c.s, dilations: c.d, pad: c.pad });
  const y = op(x, filter);
  const dy = tf.tensor(normals(y.size, c.seed + 2), y.shape);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), dy)),
  )([x, filter]);
  return [y, dx, dw];
}

async function assertWasmMatchesCpu(kind: 'conv' | 'depthwise', c: ConvCase): Promise<void> {
  const wasm = await valuesOn('wasm', () => forwardAndGrads(kind, c));
  const cpu = await valuesOn('cpu', () => forwardAndGrads(kind, c));
  ['y', 'dx', 'dW'].forEach((name, i) => {
    const err = relativeError(wasm[i], cpu[i]);
    assert.ok(err <= TOLERANCE, `${kind} ${name}: relative error ${err} for ${JSON.stringify(c)}`);
  });
}

describe('tensor/ops conv2d and depthwiseConv2d: wasm (direct kernels) vs cpu (decomposition)', function () {
  before(initWasmAndCpu);

  it('the strategies: direct on wasm, decompose on cpu', async function () {
    await tf.setBackend('wasm');
    assert.equal(resolveConvStrategy(), 'direct');
    await tf.setBackend('cpu');
    assert.equal(resolveConvStrategy(), 'decompose');
  });

  for (const kind of ['conv', 'depthwise'] as const) {
    it(`${kind}: values and gradients agree (random shapes, strides 1-2, dilations 1-3, paddings, kernels 1/3/5)`, async function () {
      await fc.assert(
        fc.asyncProperty(convCaseArb(), async (c) => {
          fc.pre(isValidCase(c));
          await assertWasmMatchesCpu(kind, c);
        }),
        { seed: kind === 'conv' ? 20240601 : 20240602, numRuns: 40 },
      );
    });
  }

  it('depthwise with stride 2 and dilation 2 (DARTS reduction dil_conv) agrees', async function () {
    for (const k of [3, 5]) {
      await assertWasmMatchesCpu('depthwise', {
        n: 2,
        h: 8,
        w: 8,
        c: 3,
        out: 1,
        k,
        s: 2,
        d: 2,
        pad: 'same',
        seed: k,
      });
    }
  });
});

forEachBackend('tensor/ops gradient vs finite differences', (backend) => {
  it(`depthwiseConv2d stride 2 dilation 2 on ${backend}`, function () {
    // The loss is linear in x, so central differences are exact up to float32 rounding.
    const x = tf.tensor4d(normals(1 * 7 * 6 * 2, 1), [1, 7, 6, 2]);
    const w = tf.tensor4d(normals(3 * 3 * 2 * 2, 2), [3, 3, 2, 2]);
    const opts = { strides: 2, dilations: 2, pad: 'same' } as const;
    const r = tf.tensor(normals(depthwiseConv2d(x, w, opts).size, 3), depthwiseConv2d(x, w, opts).shape);
    const loss = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar =>
      tf.sum(tf.mul(depthwiseConv2d(a, b, opts), r));
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([
      x,
      w,
    ]);
    const eps = 0.5;
    for (const [param, grad, other] of [
      [x, gx, w],
      [w, gw, x],
    ] as const) {
      const base = param.dataSync();
      const g = grad.dataSync();
      const numeric = new Float32Array(base.length);
      for (let i = 0; i < base.length; i++) {
        const plus = Float32Array.from(base);
        const minus = Float32Array.from(base);
        plus[i] += eps;
        minus[i] -= eps;
        const lp = tf.tidy(() => {
          const p = tf.tensor4d(plus, param.shape as [number, number, number, number]);
          return param === x ? loss(p, other as tf.Tensor4D) : loss(other as tf.Tensor4D, p);
        });
        const lm = tf.tidy(() => {
          const p = tf.tensor4d(minus, param.shape as [number, number, number, number]);
          return param === x ? loss(p, other as tf.Tensor4D) : loss(other as tf.Tensor4D, p);
        });
        numeric[i] = (lp.dataSync()[0] - lm.dataSync()[0]) / (2 * eps);
        tf.dispose([lp, lm]);
      }
      const err = relativeError(g, numeric);
      assert.ok(err <= 1e-3, `finite differences: relative error ${err}`);
    }
    tf.dispose([x, w, r, gx, gw]);
  });
});

forEachBackend('tensor/ops argument validation', (backend) => {
  const x = (): tf.Tensor4D => tf.zeros([1, 5, 5, 2]);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'rank',
      () => depthwiseConv2d(tf.zeros([5, 5, 2]) as unknown as tf.Tensor4D, tf.zeros([3, 3, 2, 1])),
      /^Error in depthwiseConv2d: x must be rank 4 \(NHWC\), found rank 3\.$/,
    ],
    [
      'channels',
      () => conv2d(x(), tf.zeros([3, 3, 3, 4])),
      /^Error in conv2d: filter.shape\[2\] must equal the input channels 2, found 3\.$/,
    ],
    [
      'strides',
      () => depthwiseConv2d(x(), tf.zeros([3, 3, 2, 1]), { strides: [0, 1] }),
      /^Error in depthwiseConv2d: strides must be a positive integer or a pair of them, found \[0,1\]\.$/,
    ],
    [
      'dilations',
      () => conv2d(x(), tf.zeros([3, 3, 2, 1]), { dilations: 1.5 }),
      /^Error in conv2d: dilations must be/,
    ],
    [
      'pad',
      () =>
        conv2d(x(), tf.zeros([3, 3, 2, 1]), {
          pad: [
            [0, 0],
            [-1, 0],
            [0, 0],
            [0, 0],
          ],
        }),
      /^Error in conv2d: pad must be 'same', 'valid'/,
    ],
    [
      'size',
      () => depthwiseConv2d(x(), tf.zeros([3, 3, 2, 1]), { dilations: 3, pad: 'valid' }),
      /^Error in depthwiseConv2d: the padded input must be at least the dilated filter size 7x7, found 5x5\.$/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`rejects a bad ${name} with ConvArgumentError on ${backend}`, function () {
      tf.tidy(() => {
        assert.throws(call, (err: unknown) => err instanceof ConvArgumentError && message.test(err.message));
      });
    });
  }
});
