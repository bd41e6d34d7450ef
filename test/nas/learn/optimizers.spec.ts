import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../../../src/nas/learn/optimizer.js';
import { cosineLr } from '../../../src/nas/learn/schedule.js';
import { clipGradNorm } from '../../../src/nas/learn/grads.js';
import { forEachBackend } from '../../utils/backends.js';

function variable(values: number[]): tf.Variable {
  const t = tf.tensor1d(values);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

forEachBackend('optimizers', () => {
  it('SGD with momentum and weight decay matches hand numbers (torch.optim.SGD semantics)', function () {
    const p = variable([1]);
    const params = new Map([['p', p]]);
    const opt = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    const g = tf.tensor1d([0.5]);
    opt.step(params, new Map([['p', g]]));
    close(p.dataSync(), [0.94]);
    opt.step(params, new Map([['p', g]]));
    close(p.dataSync(), [0.8266]);
    opt.dispose();
    g.dispose();
    p.dispose();
  });

  it('Adam with betas (0.5, 0.999) matches hand numbers', function () {
    const p = variable([1]);
    const params = new Map([['p', p]]);
    const opt = createOptimizer({ kind: 'adam', lr: 0.1, beta1: 0.5, beta2: 0.999 });
    const g1 = tf.tensor1d([0.5]);
    const g2 = tf.tensor1d([-0.5]);
    opt.step(params, new Map([['p', g1]]));
    close(p.dataSync(), [0.9]);
    opt.step(params, new Map([['p', g2]]));
    close(p.dataSync(), [0.9 + 0.1 / 3], 1e-5);
    opt.dispose();
    tf.dispose([g1, g2, p]);
  });

  it('leaves masked entries and variables without gradients untouched, and frees its state', function () {
    const before = tf.memory().numTensors;
    const a = variable([1, 2, 3]);
    const b = variable([5]);
    const params = new Map([
      ['a', a],
      ['b', b],
    ]);
    for (const spec of [
      { kind: 'sgd', lr: 0.5, momentum: 0.9, weightDecay: 0.1 },
      { kind: 'adam', lr: 0.5, weightDecay: 0.1 },
    ] as const) {
      const opt = createOptimizer(spec);
      const g = tf.tensor1d([1, 1, 1]);
      opt.step(params, new Map([['a', g]]), new Map([['a', new Float32Array([1, 0, 1])]]));
      opt.step(params, new Map([['a', g]]), new Map([['a', new Float32Array([1, 0, 1])]]));
      assert.equal(a.dataSync()[1], 2);
      assert.equal(b.dataSync()[0], 5);
      assert.ok(a.dataSync()[0] < 1);
      assert.ok(opt.stateSize() > 0);
      opt.dispose();
      g.dispose();
    }
    tf.dispose([a, b]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('clips the global gradient norm like clip_grad_norm_', function () {
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor1d([4])],
    ]);
    const norm = clipGradNorm(grads, 1);
    assert.ok(Math.abs(norm - 5) < 1e-6);
    close((grads.get('a') as tf.Tensor).dataSync(), [0.6, 0], 1e-5);
    close((grads.get('b') as tf.Tensor).dataSync(), [0.8], 1e-5);
    for (const g of grads.values()) g.dispose();
  });
});

describe('cosineLr', function () {
  it('anneals from lrMax to lrMin over the rounds', function () {
    assert.equal(cosineLr(0, 10, 0.025, 0.001), 0.025);
    assert.ok(Math.abs(cosineLr(10, 10, 0.025, 0.001) - 0.001) < 1e-12);
    assert.ok(Math.abs(cosineLr(5, 10, 0.025, 0.001) - 0.013) < 1e-12);
  });
});

describe('createOptimizer', function () {
  it('rejects invalid specs with LearnerConfigError', function () {
    assert.throws(() => createOptimizer({ kind: 'sgd', lr: -1 }), {
      name: 'LearnerConfigError',
      message: /Error in createOptimizer: optimizer lr must be a finite number >= 0, found -1/,
    });
    assert.throws(() => createOptimizer({ kind: 'adam', lr: 1, beta1: 1 }), { name: 'LearnerConfigError' });
  });
});
