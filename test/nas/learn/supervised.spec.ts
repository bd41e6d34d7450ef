import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { evaluate } from '../../../src/nas/learn/evaluate.js';
import { supervisedLocalUpdate } from '../../../src/nas/learn/supervised.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';
import { readVars, tinyModel, tinyPeers } from '../../utils/nas-fixtures.js';

forEachBackend('supervisedLocalUpdate', () => {
  it('trains only the weights of the derived (arg-max) architecture and lowers the loss', function () {
    const peer = tinyPeers(1)[0];
    const model = tinyModel();
    model.alphas.get('normal.edges.0')?.assign(tf.tensor1d([0, 2, 0, 0]));
    model.alphas.get('normal.edges.1')?.assign(tf.tensor1d([0, 0, 2, 0]));
    model.alphas.get('normal.nodes.0')?.assign(tf.tensor1d([0, 1]));
    const alphas = readVars(model.alphas);
    const w0 = readVars(model.weights);
    const before = evaluate(model, peer, { mode: 'discrete' });
    const tensors = tf.memory().numTensors;
    const report = supervisedLocalUpdate(model, peer, {
      steps: 30,
      rng: new Rng(2),
      batchSize: 16,
      lr: 0.05,
    });
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(report.samples, 30 * 16);
    const after = evaluate(model, peer, { mode: 'discrete' });
    assert.ok(after.loss < before.loss, `${before.loss} -> ${after.loss}`);
    assert.deepEqual(readVars(model.alphas), alphas);
    const w = readVars(model.weights);
    for (const name of ['cells.0.edges.0.dense_tanh.kernel', 'cells.0.edges.1.dense_relu.kernel']) {
      assert.deepEqual(w.get(name), w0.get(name), `${name} is not on the derived path`);
    }
    for (const name of [
      'cells.0.edges.0.dense_relu.kernel',
      'cells.0.edges.1.dense_tanh.kernel',
      'stem.kernel',
    ]) {
      assert.notDeepEqual(w.get(name), w0.get(name), `${name} is on the derived path`);
    }
    model.dispose();
  });
});
