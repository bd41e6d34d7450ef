import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, depthwiseConv2d } from '../../src/tensor/ops/index.js';
import { initWasmAndCpu, normals, relativeError, valuesOn } from './conv_cases.js';

/** Non-affine batch norm over N, H, W from tf.moments, as DARTS uses in search. */
function bn(y: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(y, [0, 1, 2], true);
  return tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

function sepConv(x: tf.Tensor4D, w: tf.Tensor4D[], k: number, s: number): tf.Tensor4D {
  const first = bn(
    conv2d(depthwiseConv2d(tf.relu(x), w[0], { strides: s, pad: (k - 1) / 2 }), w[1], { pad: 0 }),
  );
  return bn(conv2d(depthwiseConv2d(tf.relu(first), w[2], { pad: (k - 1) / 2 }), w[3], { pad: 0 }));
}

function dilConv(x: tf.Tensor4D, w: tf.Tensor4D[], k: number, s: number): tf.Tensor4D {
  return bn(
    conv2d(depthwiseConv2d(tf.relu(x), w[0], { strides: s, dilations: 2, pad: k - 1 }), w[1], { pad: 0 }),
  );
}

function pools(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const padded = tf.pad(
    x,
    [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
    -1e9,
  );
  const max = tf.maxPool(padded, 3, s, 'valid');
  const ones = tf.onesLike(x);
  const avg = tf.div(
    tf.avgPool(
      tf.pad(x, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
      3,
      s,
      'valid',
    ),
    tf.avgPool(
      tf.pad(ones, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
      3,
      s,
      'valid',
    ),
  );
  return tf.add(max, avg);
}

function factorizedReduce(x: tf.Tensor4D, w: tf.Tensor4D[]): tf.Tensor4D {
  const r = tf.relu(x);
  const [n, h, wd, c] = r.shape;
  const shifted = tf.slice(
    tf.pad(r, [
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ]),
    [0, 1, 1, 0],
    [n, h, wd, c],
  );
  return bn(
    tf.concat([conv2d(r, w[4], { strides: 2, pad: 0 }), conv2d(shifted, w[5], { strides: 2, pad: 0 })], 3),
  );
}

/** A loss through every DARTS op: reduction-cell ops (stride 2), a head, cross-entropy, gather. */
function dartsLoss(x: tf.Tensor4D, w: tf.Tensor4D[], head: tf.Tensor2D, alpha: tf.Tensor2D): tf.Scalar {
  const weights = tf.softmax(alpha);
  const mix = (i: number): tf.Scalar =>
    tf.reshape(tf.gather(tf.reshape(weights, [-1]), [i]), []) as tf.Scalar;
  const ops = [sepConv(x, w, 3, 2), dilConv(x, [w[6], w[7]], 3, 2), pools(x, 2), factorizedReduce(x, w)];
  const cell = tf.addN(ops.map((o, i) => tf.mul(o, mix(i))));
  const pooled = tf.mean(cell, [1, 2]);
  const logits = tf.matMul(pooled, head);
  const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
  const xent = tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
  return tf.add(xent, tf.losses.softmaxCrossEntropy(labels, logits)) as tf.Scalar;
}

describe('tensor: gradients of a DARTS reduction cell, wasm vs cpu', function () {
  before(initWasmAndCpu);

  it('every op trains on wasm and its gradients match cpu', async function () {
    const c = 4;
    const shapes: [number, number, number, number][] = [
      [3, 3, c, 1],
      [1, 1, c, c],
      [3, 3, c, 1],
      [1, 1, c, c],
      [1, 1, c, c / 2],
      [1, 1, c, c / 2],
      [3, 3, c, 1],
      [1, 1, c, c],
    ];
    const run = (): tf.Tensor[] => {
      const x = tf.tensor4d(normals(2 * 8 * 8 * c, 1), [2, 8, 8, c]);
      const w = shapes.map((s, i) =>
        tf.tensor4d(
          normals(
            s.reduce((a, b) => a * b, 1),
            10 + i,
          ),
          s,
        ),
      );
      const head = tf.tensor2d(normals(c * 3, 30), [c, 3]);
      const alpha = tf.tensor2d(normals(4, 40), [1, 4]);
      const f = (...args: tf.Tensor[]): tf.Scalar =>
        dartsLoss(
          args[0] as tf.Tensor4D,
          args.slice(1, 9) as tf.Tensor4D[],
          args[9] as tf.Tensor2D,
          args[10] as tf.Tensor2D,
        );
      const { value, grads } = tf.valueAndGrads(f)([x, ...w, head, alpha]);
      return [value, ...grads];
    };
    const wasm = await valuesOn('wasm', run);
    const cpu = await valuesOn('cpu', run);
    assert.equal(wasm.length, 12);
    wasm.forEach((v, i) => {
      assert.ok(v.every(Number.isFinite), `gradient ${i} is finite`);
      const err = relativeError(v, cpu[i]);
      assert.ok(err <= 1e-4, `gradient ${i}: relative error ${err}`);
    });
  });
});
