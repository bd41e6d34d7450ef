import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { FEDNAS_ALPHA_OPTIMIZER } from '../../../src/nas/learn/constants.js';
import { disposeTask, type Task, type TaskSource } from '../../../src/nas/learn/data.js';
import { fedNasLocalUpdate } from '../../../src/nas/learn/fednas.js';
import { crossEntropy } from '../../../src/nas/learn/loss.js';
import type { SearchModel } from '../../../src/nas/types.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';
import { cloneBatch, maxAbsDiff, readVars, tinyModel, tinyPeers } from '../../utils/nas-fixtures.js';

const SIZES = { support: 24, query: 24 };

/** Hands out copies of the given tasks in turn. */
function sequence(tasks: Task[]): TaskSource {
  let i = 0;
  return {
    nextTask: () => {
      const t = tasks[i++ % tasks.length];
      return { support: cloneBatch(t.support), query: cloneBatch(t.query) };
    },
  };
}

const fwd = { mode: 'softmax' as const, tau: 1, training: true };

/** grad_alpha (L_train + L_val) on the soft supernet. */
function milenasGrads(model: SearchModel, task: Task): Map<string, Float32Array> {
  const vars = [...model.alphas.values()];
  const { value, grads } = tf.variableGrads(
    () =>
      tf.add(
        crossEntropy(model.forward(task.support.x, fwd), task.support.y),
        crossEntropy(model.forward(task.query.x, fwd), task.query.y),
      ) as tf.Scalar,
    vars,
  );
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.alphas) out.set(name, Float32Array.from(grads[v.name].dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** Adam (torch semantics) in float64 over the alphas of `model`, assigning the result back after each step. */
function manualAdam(
  model: SearchModel,
  tasks: Task[],
  beta1: number,
  beta2: number,
): Map<string, Float64Array> {
  const { lr, weightDecay = 0 } = FEDNAS_ALPHA_OPTIMIZER;
  const state = new Map<string, { m: Float64Array; v: Float64Array; p: Float64Array }>();
  for (const [name, v] of model.alphas) {
    const n = v.size;
    state.set(name, { m: new Float64Array(n), v: new Float64Array(n), p: Float64Array.from(v.dataSync()) });
  }
  tasks.forEach((task, step) => {
    const grads = milenasGrads(model, task);
    const t = step + 1;
    for (const [name, s] of state) {
      const g = grads.get(name) as Float32Array;
      for (let i = 0; i < g.length; i++) {
        const d = g[i] + weightDecay * s.p[i];
        s.m[i] = beta1 * s.m[i] + (1 - beta1) * d;
        s.v[i] = beta2 * s.v[i] + (1 - beta2) * d * d;
        const mHat = s.m[i] / (1 - beta1 ** t);
        const vHat = s.v[i] / (1 - beta2 ** t);
        s.p[i] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      const values = tf.tensor(Float32Array.from(s.p), (model.alphas.get(name) as tf.Variable).shape);
      (model.alphas.get(name) as tf.Variable).assign(values);
      values.dispose();
    }
  });
  return new Map([...state].map(([k, s]) => [k, s.p]));
}

forEachBackend('fedNasLocalUpdate', () => {
  it('steps the logits with Adam (lr 3e-4, betas (0.5, 0.999), wd 1e-3) on grad L_train + grad L_val', function () {
    const peer = tinyPeers(1)[0];
    const rng = new Rng(4);
    const tasks = [peer.nextTask(rng, SIZES), peer.nextTask(rng, SIZES), peer.nextTask(rng, SIZES)];
    assert.deepEqual([FEDNAS_ALPHA_OPTIMIZER.beta1, FEDNAS_ALPHA_OPTIMIZER.beta2], [0.5, 0.999]);
    const model = tinyModel();
    const w0 = readVars(model.weights);
    const report = fedNasLocalUpdate(model, sequence(tasks), {
      steps: 3,
      round: 0,
      totalRounds: 10,
      rng: new Rng(1),
      batchSize: 24,
      weightLr: 0,
      weightLrMin: 0,
    });
    assert.equal(report.steps, 3);
    assert.deepEqual(readVars(model.weights), w0);
    const expected = manualAdam(tinyModel(), tasks, 0.5, 0.999);
    const otherBetas = manualAdam(tinyModel(), tasks, 0.9, 0.999);
    let discriminates = false;
    for (const [name, v] of model.alphas) {
      const e = expected.get(name) as Float64Array;
      assert.ok(maxAbsDiff(v.dataSync(), e) < 2e-7, `${name}: ${maxAbsDiff(v.dataSync(), e)}`);
      if (maxAbsDiff(e, otherBetas.get(name) as Float64Array) > 2e-6) discriminates = true;
    }
    assert.ok(discriminates, 'the check must tell beta1 = 0.5 from 0.9');
    model.dispose();
    tasks.forEach(disposeTask);
  });

  it('steps the weights with SGD at the cosine learning rate, weight decay and gradient clipping', function () {
    const task = tinyPeers(1)[0].nextTask(new Rng(2), SIZES);
    const model = tinyModel();
    const manual = tinyModel();
    fedNasLocalUpdate(model, sequence([task]), {
      steps: 1,
      round: 5,
      totalRounds: 10,
      rng: new Rng(1),
      batchSize: 24,
      gradClip: 0.05,
      alphaOptimizer: { ...FEDNAS_ALPHA_OPTIMIZER, lr: 0 },
    });
    const lr = 0.001 + (0.025 - 0.001) / 2;
    const vars = [...manual.weights.values()];
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(manual.forward(task.support.x, fwd), task.support.y),
      vars,
    );
    let sq = 0;
    for (const g of Object.values(grads)) for (const x of g.dataSync()) sq += x * x;
    const scale = Math.min(1, 0.05 / (Math.sqrt(sq) + 1e-6));
    assert.ok(scale < 1, 'the clip must be active');
    for (const [name, v] of manual.weights) {
      const g = grads[v.name].dataSync();
      const expected = Array.from(v.dataSync(), (p, i) => p - lr * (g[i] * scale + 3e-4 * p));
      assert.ok(maxAbsDiff((model.weights.get(name) as tf.Variable).dataSync(), expected) < 1e-6, name);
    }
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
    manual.dispose();
    disposeTask(task);
  });

  it('lowers the training loss without leaking tensors', function () {
    const peer = tinyPeers(1)[0];
    const model = tinyModel();
    const task = peer.nextTask(new Rng(9), SIZES);
    const loss = () =>
      tf.tidy(() => crossEntropy(model.forward(task.support.x, fwd), task.support.y).dataSync()[0]);
    const before = loss();
    const tensors = tf.memory().numTensors;
    fedNasLocalUpdate(model, peer, { steps: 20, round: 0, totalRounds: 5, rng: new Rng(3), batchSize: 24 });
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(loss() < before * 0.8, `${before} -> ${loss()}`);
    model.dispose();
    disposeTask(task);
  });
});
