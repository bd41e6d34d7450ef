import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { avgPool3x3 } from '../../../src/nas/space/layers/avg_pool.js';
import { BatchNorm, BN_EPS } from '../../../src/nas/space/layers/batch_norm.js';
import { FactorizedReduce } from '../../../src/nas/space/layers/factorized_reduce.js';
import { pointwiseConvParts } from '../../../src/nas/space/layers/pointwise.js';
import { OPS, OP_NAMES } from '../../../src/nas/space/ops/index.js';
import { ParamStore } from '../../../src/nas/space/params.js';
import { forEachBackend } from '../../utils/backends.js';
import { assertClose, randomBatch } from './helpers.js';

/** Reference BN with autodiff through tf.moments: (x - mean) / sqrt(var + eps) * scale + shift. */
function refBn(x: tf.Tensor4D, scale: tf.Tensor, shift: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), scale), shift);
}

const strided = (t: tf.Tensor4D, off: number, s: number): tf.Tensor4D =>
  tf.stridedSlice(t, [0, off, off, 0], t.shape, [1, s, s, 1]) as tf.Tensor4D;

forEachBackend('nas/space layers and ops', function () {
  let store: ParamStore;
  beforeEach(() => (store = new ParamStore(11)));
  afterEach(() => store.dispose());

  it('BN normalises with batch statistics, updates running stats like PyTorch, and uses them in eval', function () {
    const bn = new BatchNorm(store.scope('bn'), 3, false);
    const x = tf.add(tf.mul(randomBatch(4, 5, 3), 2), 1) as tf.Tensor4D;
    tf.tidy(() => {
      const y = bn.apply(x, true);
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      assertClose(mean, [0, 0, 0], 1e-4, 0);
      assertClose(variance, [1, 1, 1], 1e-3, 0);
      const m = tf.moments(x, [0, 1, 2]);
      const n = 4 * 5 * 5;
      assertClose(store.buffers.get('bn.running_mean') as tf.Tensor, tf.mul(m.mean, 0.1), 1e-5, 1e-4);
      const rv = tf.add(0.9, tf.mul(m.variance, (0.1 * n) / (n - 1)));
      assertClose(store.buffers.get('bn.running_var') as tf.Tensor, rv, 1e-5, 1e-4);
      const ev = bn.apply(x, false);
      const rm = store.buffers.get('bn.running_mean') as tf.Tensor;
      const rvar = store.buffers.get('bn.running_var') as tf.Tensor;
      assertClose(ev, tf.div(tf.sub(x, rm), tf.sqrt(tf.add(rvar, BN_EPS))), 1e-4, 1e-4);
    });
    x.dispose();
  });

  it('BN custom gradient (affine, with a folded coefficient) matches autodiff through moments', function () {
    const bn = new BatchNorm(store.scope('bn'), 3, true);
    const gamma = store.weights.get('bn.weight') as tf.Variable;
    const beta = store.weights.get('bn.bias') as tf.Variable;
    gamma.assign(tf.tensor1d([0.5, -1.2, 2]));
    beta.assign(tf.tensor1d([0.1, 0.2, -0.3]));
    const x = randomBatch(3, 4, 3, 5);
    const coef = tf.scalar(0.7);
    const r = randomBatch(3, 4, 3, 6);
    tf.tidy(() => {
      const ours = tf.grads((a: tf.Tensor, c: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        void g;
        void b;
        return tf.sum(tf.mul(bn.apply(a as tf.Tensor4D, true, c as tf.Scalar), r));
      })([x, coef, gamma, beta]);
      const ref = tf.grads((a: tf.Tensor, c: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.mul(refBn(a as tf.Tensor4D, g, b), c), r)),
      )([x, coef, gamma, beta]);
      assertClose(bn.apply(x, true, coef), tf.mul(refBn(x, gamma, beta), coef), 1e-4, 1e-3, 'value');
      ['x', 'coef'].forEach((name, i) => assertClose(ours[i], ref[i], 1e-4, 2e-3, `d${name}`));
      const vg = tf.variableGrads(
        () => tf.sum(tf.mul(bn.apply(x, true, coef), r)) as tf.Scalar,
        [gamma, beta],
      );
      assertClose(vg.grads[gamma.name], ref[2], 1e-4, 2e-3, 'dgamma');
      assertClose(vg.grads[beta.name], ref[3], 1e-4, 2e-3, 'dbeta');
    });
    tf.dispose([x, coef, r]);
  });

  it('avg pool excludes padding, in value and in gradient (tfjs AvgPoolGrad does not: it divides by 9)', function () {
    for (const [size, stride] of [
      [5, 1],
      [6, 2],
      [7, 2],
    ]) {
      tf.tidy(() => {
        const x = randomBatch(2, size, 3, size);
        assertClose(avgPool3x3(x, stride), tf.avgPool(x, 3, stride, 1), 1e-6, 1e-5, 'value');
        const corner = (tf.slice(x, [0, 0, 0, 0], [1, 2, 2, 3]).mean([1, 2]).dataSync() as Float32Array)[0];
        assert.ok(Math.abs((avgPool3x3(x, stride).dataSync() as Float32Array)[0] - corner) < 1e-5);
        const r = randomBatch(2, Math.floor((size - 1) / stride) + 1, 3, 9);
        const ours = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(avgPool3x3(a as tf.Tensor4D, stride), r)))(x);
        // reference: box sum over the window divided by the in-image pixel count, by autodiff
        const count = tf.depthwiseConv2d(tf.onesLike(x), tf.ones([3, 3, 3, 1]) as tf.Tensor4D, stride, 1);
        const box = (a: tf.Tensor) =>
          tf.div(
            tf.depthwiseConv2d(a as tf.Tensor4D, tf.ones([3, 3, 3, 1]) as tf.Tensor4D, stride, 1),
            count,
          );
        assertClose(box(x), tf.avgPool(x, 3, stride, 1), 1e-5, 1e-5, 'box value');
        const ref = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(box(a), r)))(x);
        assertClose(ours, ref, 1e-5, 1e-4, `grad size ${size} stride ${stride}`);
      });
    }
  });

  it('every op keeps the shape on stride 1 and halves it on stride 2; none is never materialised', function () {
    const x = randomBatch(2, 8, 4);
    for (const name of OP_NAMES) {
      for (const stride of [1, 2] as const) {
        const op = OPS[name]({ scope: store.scope(`${name}.${stride}`), channels: 4, stride });
        const y = op.apply(x, true, null);
        if (name === 'none') {
          assert.equal(y, null);
          continue;
        }
        assert.ok(y, name);
        assert.deepEqual(y.shape, [2, 8 / stride, 8 / stride, 4], `${name} stride ${stride}`);
        if (y !== x) y.dispose();
      }
    }
    x.dispose();
  });

  it('dil_conv and sep_conv equal their DARTS definitions (explicit padding, dilation 2, stride 2 included)', function () {
    const x = randomBatch(2, 8, 3, 3);
    for (const stride of [1, 2] as const) {
      tf.tidy(() => {
        const dil = OPS.dil_conv_5x5({ scope: store.scope(`dil${stride}`), channels: 3, stride });
        const w = (k: string) => store.weights.get(`dil${stride}.${k}`) as tf.Tensor4D;
        // stride-1 dilated conv (tfjs forward supports it), then every `stride`-th output
        const full = tf.depthwiseConv2d(tf.relu(x), w('dw'), 1, 4, 'NHWC', 2);
        const ref = refBn(strided(tf.conv2d(full, w('pw'), 1, 0), 0, stride), tf.scalar(1), tf.scalar(0));
        assertClose(dil.apply(x, true, null) as tf.Tensor, ref, 1e-4, 1e-3, `dil_conv_5x5 s${stride}`);

        const sep = OPS.sep_conv_3x3({ scope: store.scope(`sep${stride}`), channels: 3, stride });
        const v = (k: string) => store.weights.get(`sep${stride}.${k}`) as tf.Tensor4D;
        const one = tf.scalar(1);
        const zero = tf.scalar(0);
        const h = refBn(
          tf.conv2d(tf.depthwiseConv2d(tf.relu(x), v('dw1'), stride, 1), v('pw1'), 1, 0),
          one,
          zero,
        );
        const ref2 = refBn(
          tf.conv2d(tf.depthwiseConv2d(tf.relu(h), v('dw2'), 1, 1), v('pw2'), 1, 0),
          one,
          zero,
        );
        assertClose(sep.apply(x, true, null) as tf.Tensor, ref2, 1e-4, 1e-3, `sep_conv_3x3 s${stride}`);
      });
    }
    x.dispose();
  });

  it('factorized reduce equals concat(conv_1(x[::2, ::2]), conv_2(x[1::2, 1::2])) + BN, from channel parts', function () {
    const fr = new FactorizedReduce(store.scope('fr'), 6, 4, false);
    const x = randomBatch(2, 6, 6, 4);
    tf.tidy(() => {
      const r = tf.relu(x);
      const w = (k: string) => store.weights.get(`fr.${k}`) as tf.Tensor4D;
      const ref = refBn(
        tf.concat(
          [tf.conv2d(strided(r, 0, 2), w('conv_1'), 1, 0), tf.conv2d(strided(r, 1, 2), w('conv_2'), 1, 0)],
          3,
        ),
        tf.scalar(1),
        tf.scalar(0),
      );
      const parts = tf.split(x, [2, 4], 3) as tf.Tensor4D[];
      assertClose(fr.apply(parts, true), ref, 1e-4, 1e-3);
    });
    x.dispose();
  });

  it('a 1x1 conv over channel parts equals the conv of their concatenation, gradients included', function () {
    const parts = [randomBatch(2, 3, 2, 1), randomBatch(2, 3, 3, 2)];
    const f = tf.variable(randomBatch(1, 1, 20, 3).reshape([1, 1, 5, 4]) as tf.Tensor4D);
    tf.tidy(() => {
      const whole = tf.concat(parts, 3);
      assertClose(pointwiseConvParts(parts, f), tf.conv2d(whole, f, 1, 0), 1e-5, 1e-4);
      const g1 = tf.grads((a: tf.Tensor, b: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(pointwiseConvParts([a as tf.Tensor4D, b as tf.Tensor4D], w as tf.Tensor4D))),
      )([parts[0], parts[1], f]);
      const g2 = tf.grads((a: tf.Tensor, b: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(tf.concat([a, b], 3) as tf.Tensor4D, w as tf.Tensor4D, 1, 0))),
      )([parts[0], parts[1], f]);
      g1.forEach((g, i) => assertClose(g, g2[i], 1e-4, 1e-4, `grad ${i}`));
    });
    tf.dispose([...parts, f]);
  });
});
