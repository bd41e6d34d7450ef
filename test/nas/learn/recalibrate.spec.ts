import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, BatchSource } from '../../../src/nas/learn/data.js';
import { recalibrateBatchNorm } from '../../../src/nas/learn/recalibrate.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';
import { readVars, tinyModel, tinyPeers } from '../../utils/nas-fixtures.js';

/** A source that always hands out copies of the same batch. */
function fixedSource(batch: Batch): BatchSource {
  return { nextBatch: () => ({ x: batch.x.clone(), y: batch.y.clone() }) };
}

forEachBackend('BN recalibration', () => {
  it('replaces stale running statistics by the exact mean of the batch statistics', function () {
    const peer = tinyPeers(1)[0];
    const batch = peer.nextBatch(new Rng(1), 16);
    const source = fixedSource(batch);
    const stale = tinyModel();
    for (const [name, v] of stale.buffers)
      v.assign(tf.fill(v.shape, name.endsWith('running_var') ? 50 : 100));
    const fresh = tinyModel();
    const tensors = tf.memory().numTensors;
    recalibrateBatchNorm(stale, [source], { mode: 'discrete', rng: new Rng(2), batches: 3 });
    assert.equal(tf.memory().numTensors, tensors);
    recalibrateBatchNorm(fresh, [source], { mode: 'discrete', rng: new Rng(2), batches: 1 });
    const a = readVars(stale.buffers);
    const b = readVars(fresh.buffers);
    const key = [...a.keys()].find((k) => k.endsWith('running_mean')) as string;
    const mean = a.get(key) as Float32Array;
    const expected = b.get(key) as Float32Array;
    // A momentum (0.1) average over 3 passes would keep 0.9^3 of the stale 100.
    mean.forEach((m, i) => assert.ok(Math.abs(m - (expected[i] as number)) < 1e-3, `${m} vs ${expected[i]}`));
    const varKey = key.replace(/running_mean$/, 'running_var');
    a.get(varKey)?.forEach((x, i) =>
      assert.ok(Math.abs(x - ((b.get(varKey) as Float32Array)[i] as number)) < 1e-2),
    );
    // Inference mode now matches training mode on that batch (up to the unbiased variance).
    const [inf, train] = tf.tidy(() => [
      stale.forward(batch.x, { mode: 'discrete', tau: 1, training: false }).arraySync(),
      stale.forward(batch.x, { mode: 'discrete', tau: 1, training: true }).arraySync(),
    ]) as unknown as number[][][];
    const diff = Math.max(...inf.flatMap((row, i) => row.map((x, j) => Math.abs(x - (train[i]?.[j] ?? 0)))));
    assert.ok(diff < 0.1, `max logit difference ${diff}`);
    stale.dispose();
    fresh.dispose();
    batch.x.dispose();
    batch.y.dispose();
  });

  it('does nothing with 0 batches and validates its options', function () {
    const model = tinyModel();
    const before = readVars(model.buffers);
    const source = tinyPeers(1)[0];
    recalibrateBatchNorm(model, [source], { mode: 'discrete', rng: new Rng(1), batches: 0 });
    assert.deepEqual(readVars(model.buffers), before);
    assert.throws(() =>
      recalibrateBatchNorm(model, [source], { mode: 'discrete', rng: new Rng(1), batchSize: 0 }),
    );
    assert.throws(() => recalibrateBatchNorm(model, [], { mode: 'discrete', rng: new Rng(1) }));
    model.dispose();
  });
});
