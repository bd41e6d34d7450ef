import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../../src/tensor/kernels/index.js';
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

/** The two backprop kernels of a case, called directly (tfjs-core attribute conventions). */
function backprops(kind: 'conv' | 'depthwise', c: ConvCase): tf.Tensor[] {
  const filterShape: [number, number, number, number] = [c.k, c.k, c.c, c.out];
  const inputShape: [number, number, number, number] = [c.n, c.h, c.w, c.c];
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    c.s,
    c.d,
    c.pad,
    undefined,
    kind === 'depthwise',
  );
  const x = tf.tensor4d(normals(c.n * c.h * c.w * c.c, c.seed), inputShape);
  const filter = tf.tensor4d(normals(c.k * c.k * c.c * c.out, c.seed + 1), filterShape);
  const dy = tf.tensor4d(
    normals(
      info.outShape.reduce((a, b) => a * b, 1),
      c.seed + 2,
    ),
    info.outShape,
  );
  const attrs = {
    strides: c.s,
    dilations: c.d,
    pad: c.pad,
    dataFormat: 'NHWC',
  } as unknown as tf.NamedAttrMap;
  const [input, filt] =
    kind === 'conv'
      ? ['Conv2DBackpropInput', 'Conv2DBackpropFilter']
      : ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];
  return [
    tf.engine().runKernel(input, { dy, filter }, { ...attrs, inputShape }) as tf.Tensor,
    tf.engine().runKernel(filt, { x, dy }, { ...attrs, filterShape }) as tf.Tensor,
  ];
}

describe('tensor/kernels wasm training kernels vs the cpu kernels', function () {
  before(initWasmAndCpu);

  // The cpu backprop kernels ignore dilations, so they are a reference for dilation 1 only;
  // dilated cases are checked through the ops (test/tensor/ops.spec.ts).
  for (const kind of ['conv', 'depthwise'] as const) {
    it(`${kind} backprop input and filter agree (random shapes, strides 1-2, paddings, kernels 1/3/5)`, async function () {
      await fc.assert(
        fc.asyncProperty(convCaseArb([1]), async (c) => {
          fc.pre(isValidCase(c));
          const wasm = await valuesOn('wasm', () => backprops(kind, c));
          const cpu = await valuesOn('cpu', () => backprops(kind, c));
          ['dx', 'dW'].forEach((name, i) => {
            const err = relativeError(wasm[i], cpu[i]);
            assert.ok(err <= TOLERANCE, `${kind} ${name}: relative error ${err} for ${JSON.stringify(c)}`);
          });
        }),
        { seed: kind === 'conv' ? 7 : 8, numRuns: 40 },
      );
    });
  }

  it('MaxPoolGrad agrees (random shapes, windows 2-3, strides 1-2, same/valid/explicit padding)', async function () {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 3, max: 9 }),
      c: fc.integer({ min: 1, max: 5 }),
      k: fc.constantFrom(2, 3),
      s: fc.constantFrom(1, 2),
      pad: fc.constantFrom<'same' | 'valid' | number>('same', 'valid', 1),
      seed: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (p) => {
        const run = (): tf.Tensor => {
          const x = tf.tensor4d(normals(p.n * p.h * p.h * p.c, p.seed), [p.n, p.h, p.h, p.c]);
          const r = tf.tensor(
            normals(tf.maxPool(x, p.k, p.s, p.pad).size, p.seed + 1),
            tf.maxPool(x, p.k, p.s, p.pad).shape,
          );
          return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, p.k, p.s, p.pad), r)))(
            x,
          );
        };
        const [wasm] = await valuesOn('wasm', run);
        const [cpu] = await valuesOn('cpu', run);
        assert.ok(relativeError(wasm, cpu) <= TOLERANCE, JSON.stringify(p));
      }),
      { seed: 9, numRuns: 30 },
    );
  });

  it('UnsortedSegmentSum agrees, dropping out-of-range ids', async function () {
    const run = (): tf.Tensor[] => {
      const x = tf.tensor2d(normals(6 * 3, 5), [6, 3]);
      const ids = tf.tensor1d([2, 0, 2, -1, 7, 1], 'int32');
      return [
        tf.unsortedSegmentSum(x, ids, 4),
        tf.unsortedSegmentSum(x, tf.tensor1d([3, 3, 3, 3, 3, 3], 'int32'), 4),
      ];
    };
    const wasm = await valuesOn('wasm', run);
    const cpu = await valuesOn('cpu', run);
    wasm.forEach((v, i) => assert.ok(relativeError(v, cpu[i]) <= TOLERANCE));
  });

  it('registration is idempotent and replaces the scalar Conv2DBackpropInput', async function () {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    for (const config of WASM_TRAINING_KERNELS) {
      assert.equal(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc, config.kernelFunc);
    }
  });
});
