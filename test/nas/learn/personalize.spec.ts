import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { evaluate } from '../../../src/nas/learn/evaluate.js';
import { crossEntropy } from '../../../src/nas/learn/loss.js';
import { personalize } from '../../../src/nas/learn/personalize.js';
import { adaptOnSupport } from '../../../src/nas/learn/task-learner.js';
import { disposeBatch } from '../../../src/nas/learn/data.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';
import { readVars, tinyModel, tinyPeers } from '../../utils/nas-fixtures.js';

forEachBackend('task learner, evaluation and personalization', () => {
  it('adaptOnSupport lowers the support loss and leaves pruned logits alone', function () {
    const peer = tinyPeers(1)[0];
    const model = tinyModel();
    model.masks.set('normal.edges.1', new Float32Array([0, 1, 1, 1]));
    const a0 = readVars(model.alphas).get('normal.edges.1') as Float32Array;
    const batch = peer.nextBatch(new Rng(1), 32);
    const tensors = tf.memory().numTensors;
    const r = adaptOnSupport(model, batch, {
      steps: 10,
      weightLr: 0.1,
      alphaLr: 0.1,
      relax: 'softmax',
      tau: 1,
      rng: new Rng(2),
    });
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(r.lastLoss < r.firstLoss, `${r.firstLoss} -> ${r.lastLoss}`);
    const a1 = readVars(model.alphas).get('normal.edges.1') as Float32Array;
    assert.equal(a1[0], a0[0]);
    assert.notEqual(a1[1], a0[1]);
    disposeBatch(batch);
    model.dispose();
  });

  it('evaluate gives the same accuracy and loss whatever the batch size', function () {
    const peer = tinyPeers(1)[0];
    const model = tinyModel();
    const a = evaluate(model, peer, { mode: 'softmax', batchSize: 7 });
    const b = evaluate(model, peer, { mode: 'softmax', batchSize: 1000 });
    assert.equal(a.count, 48);
    assert.equal(a.accuracy, b.accuracy);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-5);
    const [batch] = [...peer.testBatches(1000)];
    const expectedLoss = tf.tidy(
      () =>
        crossEntropy(
          model.forward(batch.x, { mode: 'softmax', tau: 1, training: false }),
          batch.y,
        ).dataSync()[0],
    );
    assert.ok(Math.abs(b.loss - expectedLoss) < 1e-6);
    disposeBatch(batch);
    model.dispose();
  });

  it('personalize adapts on the peer data, improves its test accuracy and restores the model exactly', function () {
    const peer = tinyPeers(1, 5, 2)[0];
    const model = tinyModel();
    const values = [readVars(model.weights), readVars(model.alphas), readVars(model.buffers)];
    const tensors = tf.memory().numTensors;
    const r = personalize(model, peer, {
      steps: 20,
      batchSize: 32,
      relax: 'hard',
      tau: 1,
      weightLr: 0.1,
      alphaLr: 0.05,
      rng: new Rng(3),
      eval: { mode: 'discrete' },
    });
    assert.equal(tf.memory().numTensors, tensors);
    assert.ok(r.after.accuracy > r.before.accuracy, `${r.before.accuracy} -> ${r.after.accuracy}`);
    assert.deepEqual([readVars(model.weights), readVars(model.alphas), readVars(model.buffers)], values);
    model.dispose();
  });
});
