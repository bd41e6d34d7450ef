import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { disposeTask, type Task } from '../../../src/nas/learn/data.js';
import { fedMetaNasLocalUpdate, type FedMetaNasOptions } from '../../../src/nas/learn/fedmetanas.js';
import { crossEntropy } from '../../../src/nas/learn/loss.js';
import { Rng } from '../../../src/util/rng.js';
import type { SearchModel } from '../../../src/nas/types.js';
import { forEachBackend } from '../../utils/backends.js';
import { fixedTaskSource, maxAbsDiff, readVars, tinyModel, tinyPeers } from '../../utils/nas-fixtures.js';

const SIZES = { support: 24, query: 24 };

function makeTask(): Task {
  return tinyPeers(1)[0].nextTask(new Rng(3), SIZES);
}

/** Mean hard-Gumbel loss over a fixed sequence of noise draws. */
function expectedLoss(model: SearchModel, task: Task, draws = 16): number {
  const rng = new Rng(99);
  let sum = 0;
  for (let i = 0; i < draws; i++) {
    sum += tf
      .tidy(() =>
        crossEntropy(
          model.forward(task.query.x, { mode: 'hard', tau: 1, training: true, rng }),
          task.query.y,
        ),
      )
      .dataSync()[0];
  }
  return sum / draws;
}

/** The task learner written out by hand with tf.variableGrads (hard mode, same noise stream). */
function manualAdapt(
  model: SearchModel,
  task: Task,
  noise: Rng,
  steps: number,
  etaW: number,
  etaA: number,
): void {
  const loss = () =>
    crossEntropy(
      model.forward(task.support.x, { mode: 'hard', tau: 1, training: true, rng: noise }),
      task.support.y,
    );
  const step = (vars: tf.Variable[], lr: number) => {
    const { value, grads } = tf.variableGrads(loss, vars);
    for (const v of vars) {
      const g = grads[v.name];
      if (g) tf.tidy(() => v.assign(tf.sub(v, tf.mul(g, lr))));
    }
    tf.dispose([value, ...Object.values(grads)]);
  };
  for (let i = 0; i < steps; i++) {
    step([...model.weights.values()], etaW);
    step([...model.alphas.values()], etaA);
  }
}

forEachBackend('fedMetaNasLocalUpdate', () => {
  const base = (variant: FedMetaNasOptions['variant']): FedMetaNasOptions => ({
    variant,
    relax: 'hard',
    tau: 1,
    rng: new Rng(5),
    metaSteps: 1,
    task: { steps: 2, weightLr: 0.1, alphaLr: 0.05 },
    sizes: SIZES,
    metaWeightOptimizer: { kind: 'sgd', lr: 0.5 },
    metaAlphaOptimizer: { kind: 'sgd', lr: 0.5 },
  });

  it('FO-MAML applies the query gradient at the adapted parameters to the original ones', function () {
    const task = makeTask();
    const model = tinyModel();
    const manual = tinyModel();
    const origW = readVars(manual.weights);
    const origA = readVars(manual.alphas);
    fedMetaNasLocalUpdate(model, fixedTaskSource(task), base('fomaml'));

    const noise = new Rng(5).fork('gumbel');
    manualAdapt(manual, task, noise, 2, 0.1, 0.05);
    const all = [...manual.weights.values(), ...manual.alphas.values()];
    const { value, grads } = tf.variableGrads(
      () =>
        crossEntropy(
          manual.forward(task.query.x, { mode: 'hard', tau: 1, training: true, rng: noise }),
          task.query.y,
        ),
      all,
    );
    const check = (vars: Map<string, tf.Variable>, orig: Map<string, Float32Array>) => {
      let moved = 0;
      for (const [name, v] of vars) {
        const g = grads[v.name];
        const o = orig.get(name) as Float32Array;
        const gv = g ? g.dataSync() : new Float32Array(o.length);
        if (g) moved++;
        const expected = o.map((x, i) => x - 0.5 * gv[i]);
        const actual = (model.weights.get(name) ?? model.alphas.get(name)) as tf.Variable;
        assert.ok(maxAbsDiff(actual.dataSync(), expected) < 1e-5, `${name} differs`);
      }
      return moved;
    };
    assert.ok(check(manual.weights, origW) > 0);
    assert.equal(check(manual.alphas, origA), 3);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
    manual.dispose();
    disposeTask(task);
  });

  it('Reptile moves the original parameters towards the adapted ones (meta-gradient = original - adapted)', function () {
    const task = makeTask();
    const model = tinyModel();
    const manual = tinyModel();
    const origW = readVars(manual.weights);
    const origA = readVars(manual.alphas);
    fedMetaNasLocalUpdate(model, fixedTaskSource(task), base('reptile'));
    manualAdapt(manual, task, new Rng(5).fork('gumbel'), 2, 0.1, 0.05);
    let changed = 0;
    for (const [vars, orig, mine] of [
      [manual.weights, origW, model.weights],
      [manual.alphas, origA, model.alphas],
    ] as const) {
      for (const [name, v] of vars) {
        const o = orig.get(name) as Float32Array;
        const adapted = v.dataSync();
        const expected = o.map((x, i) => x - 0.5 * (x - adapted[i]));
        assert.ok(maxAbsDiff((mine.get(name) as tf.Variable).dataSync(), expected) < 1e-5, `${name} differs`);
        if (maxAbsDiff(o, adapted) > 0) changed++;
      }
    }
    assert.ok(changed > 3);
    model.dispose();
    manual.dispose();
    disposeTask(task);
  });

  for (const variant of ['fomaml', 'reptile', 'nomaml'] as const) {
    it(`${variant}: lowers the loss on a fixed task without leaking tensors`, function () {
      const task = makeTask();
      const model = tinyModel();
      const before = expectedLoss(model, task);
      const tensors = tf.memory().numTensors;
      const report = fedMetaNasLocalUpdate(model, fixedTaskSource(task), {
        variant,
        tau: 1,
        rng: new Rng(1),
        metaSteps: 15,
        task: variant === 'reptile' ? { steps: 3, weightLr: 0.1 } : { steps: 2 },
        sizes: SIZES,
        ...(variant === 'reptile' ? {} : { metaWeightOptimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 } }),
      });
      assert.equal(tf.memory().numTensors, tensors);
      assert.equal(report.steps, 15);
      assert.equal(report.samples, 15 * 48);
      assert.ok(Number.isFinite(report.trainLoss));
      const after = expectedLoss(model, task);
      assert.ok(after < before * 0.8, `${variant}: ${before} -> ${after}`);
      model.dispose();
      disposeTask(task);
    });
  }

  it('is deterministic for a seed and never touches pruned candidates', function () {
    const task = makeTask();
    const run = () => {
      const model = tinyModel();
      model.masks.set('normal.edges.0', new Float32Array([1, 0, 1, 1]));
      const before = readVars(model.weights);
      const alphaBefore = readVars(model.alphas);
      fedMetaNasLocalUpdate(model, fixedTaskSource(task), {
        tau: 1,
        rng: new Rng(8),
        metaSteps: 3,
        sizes: SIZES,
      });
      const w = readVars(model.weights);
      const a = readVars(model.alphas);
      for (const name of ['cells.0.edges.0.dense_relu.kernel', 'cells.0.edges.0.dense_relu.bias']) {
        assert.deepEqual(w.get(name), before.get(name));
      }
      assert.equal(a.get('normal.edges.0')?.[1], alphaBefore.get('normal.edges.0')?.[1]);
      model.dispose();
      return [...w.values(), ...a.values()];
    };
    assert.deepEqual(run(), run());
    disposeTask(task);
  });

  it('rejects bad options with LearnerConfigError', function () {
    const model = tinyModel();
    const src = fixedTaskSource(makeTask());
    assert.throws(() => fedMetaNasLocalUpdate(model, src, { tau: 0, rng: new Rng(1) }), {
      name: 'LearnerConfigError',
      message: /Error in fedMetaNasLocalUpdate: tau must be a finite number > 0, found 0/,
    });
    assert.throws(() => fedMetaNasLocalUpdate(model, src, { tau: 1, rng: new Rng(1), metaSteps: 0 }), {
      name: 'LearnerConfigError',
    });
    model.dispose();
  });
});
