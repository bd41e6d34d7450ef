import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import {
  gumbelNoise,
  gumbelSoftmax,
  maskedArgmax,
  maskedOffsets,
  maskedSoftmax,
  relaxedProbs,
  straightThrough,
} from '../../src/nas/gumbel.js';
import { Rng } from '../../src/util/rng.js';
import { forEachBackend } from '../utils/backends.js';
import { assertClose } from './space/helpers.js';

describe('nas/gumbel (pure)', function () {
  it('masked softmax ignores pruned entries and honours tau', function () {
    const p = maskedSoftmax([1, 2, 3, 100], [1, 1, 1, 0], 1);
    assert.equal(p[3], 0);
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-12);
    const sharp = maskedSoftmax([1, 2], undefined, 0.01);
    assert.ok(sharp[1] > 0.999999);
    assert.equal(maskedArgmax([5, 1, 7], [1, 1, 0]), 0);
    assert.equal(maskedArgmax([2, 2, 1]), 0);
  });

  it('draws seeded Gumbel(0,1) noise (mean = Euler-Mascheroni constant)', function () {
    const a = gumbelNoise(new Rng(3), 20000);
    assert.deepEqual(a.slice(0, 5), gumbelNoise(new Rng(3), 5));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(Math.abs(mean - 0.5772) < 0.03, `mean ${mean}`);
  });

  it('samples the arg-max of alpha + g, whatever tau', function () {
    const noise = [0.3, -0.2, 1.5, 0];
    const alpha = [1, 2, 0, 1.2];
    for (const tau of [0.1, 1, 10]) {
      const s = gumbelSoftmax(alpha, noise, tau);
      assert.equal(s.index, 1);
      assert.ok(Math.abs(s.probs.reduce((x, y) => x + y, 0) - 1) < 1e-12);
    }
    assert.equal(gumbelSoftmax(alpha, noise, 1, [1, 0, 1, 1]).index, 2);
    assert.throws(() => gumbelSoftmax([1], [1, 2], 1), { name: 'GumbelError' });
    assert.throws(() => maskedSoftmax([1, 2], [0, 0]), { name: 'GumbelError' });
    assert.throws(() => maskedSoftmax([1, 2], undefined, 0), /tau must be a finite number > 0, found 0/);
    assert.deepEqual(Array.from(maskedOffsets(3, [1, 0, 1], [0.5, 0.5, 0.25])), [0.5, -Infinity, 0.25]);
  });
});

forEachBackend('nas/gumbel (tensors)', function () {
  it('relaxedProbs matches the JS reference and gives pruned entries 0 probability and 0 gradient', function () {
    const alpha = [0.2, -0.4, 1.1, 0.3];
    const noise = [0.1, 0.7, -0.3, 0.2];
    const mask = [1, 1, 0, 1];
    const ref = gumbelSoftmax(alpha, noise, 0.5, mask).probs;
    const a = tf.variable(tf.tensor1d(alpha));
    const off = tf.tensor1d(maskedOffsets(4, mask, noise));
    const p = relaxedProbs(a, off, 0.5);
    assertClose(p, ref, 1e-6, 1e-5);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(relaxedProbs(x, off, 0.5), tf.tensor1d([1, 2, 3, 4]))))(
      a,
    );
    const gv = g.dataSync();
    assert.equal(gv[2], 0);
    assert.ok(gv.every((v) => Number.isFinite(v)));
    tf.dispose([a, off, p, g]);
  });

  it('straightThrough has the hard value and the soft gradient', function () {
    const s = tf.tensor1d([0.2, 0.5, 0.3]);
    const y = straightThrough(s, Float32Array.from([0, 1, 0]));
    assert.deepEqual(Array.from(y.dataSync()), [0, 1, 0]);
    const g = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(straightThrough(x, Float32Array.from([0, 1, 0])), tf.tensor1d([3, 4, 5]))),
    )(s);
    assert.deepEqual(Array.from(g.dataSync()), [3, 4, 5]);
    tf.dispose([s, y, g]);
  });
});
