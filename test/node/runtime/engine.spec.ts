import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '../../../src/data/registry.js';
import { linearTau } from '../../../src/nas/anneal.js';
import { runInProcessFederation } from '../../../src/nas/harness/run.js';
import { encodeModelState } from '../../../src/nas/state/codec.js';
import { createSupernet } from '../../../src/nas/space/supernet.js';
import { hashConfig } from '../../../src/nas/state/config-hash.js';
import { TrainerEngine } from '../../../src/node/runtime/trainer-engine.js';
import { sha256Hex } from '../../../src/protocol/hash.js';
import { harnessConfigFor } from '../../../src/run/harness-config.js';
import { peerShardData } from '../../../src/run/peer-shard.js';
import { spaceForDataset } from '../../../src/run/search.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { tinyRun } from './helpers.js';

// A protocol-equivalence test, on the backend the peers run by default (the supernet on the cpu backend
// takes minutes); the numeric suites of src/nas cover every backend.
describe('node/runtime/trainer-engine [wasm]', () => {
  const backend = 'wasm';
  before(async () => {
    await initBackend(backend);
  });

  it('distributed rounds (one engine per peer, fp32 updates) give the harness model bit for bit, without leaks', async function () {
    this.timeout(120_000);
    const config = tinyRun(3, 2, { backend });
    const engines = await Promise.all(
      [0, 1, 2].map((index) => TrainerEngine.create({ config, index, encoding: 'fp32' })),
    );
    try {
      const info = engines.map((e) => e.info());
      assert.equal(new Set(info.map((i) => i.initialHash)).size, 1, 'every peer starts from the same G_0');
      let global = info[0].initial;
      const tensors: number[] = [];
      for (let r = 0; r < config.rounds; r++) {
        const tau = linearTau(r, config.rounds, config.tauMax, config.tauMin);
        const updates = engines.map((e, k) => {
          const t = e.train({ round: r, tau, global });
          return { from: `peer${k}`, sampleCount: t.sampleCount, body: t.body };
        });
        const aggregator = engines[(r + 1) % engines.length];
        const result = aggregator.aggregate({ round: r, tau, global, updates: [...updates].reverse() });
        assert.deepEqual(result.indices, [0, 1, 2], 'ordered by peer index whatever the arrival order');
        global = result.global;
        const evaluated = engines[0].evaluate({ round: r, tau, global });
        assert.equal(evaluated.modelRound, r + 1);
        tensors.push(evaluated.numTensors);
      }
      assert.equal(tensors[0], tensors[1], 'tensor count stays flat across rounds');

      const dataset = await loadDataset('mnist');
      const space = spaceForDataset(config, dataset);
      const configHash = hashConfig({ space, method: config.method });
      const model = createSupernet(space, { seed: config.seed });
      const peers = [0, 1, 2].map((i) => peerShardData(dataset, config, i));
      const before = tf.memory().numTensors;
      const harness = runInProcessFederation(model, peers, harnessConfigFor(config, configHash));
      model.dispose();
      assert.ok(tf.memory().numTensors <= before);
      assert.equal(sha256Hex(global), sha256Hex(encodeModelState(harness.finalState)));
      const final = engines[1].finish({ global });
      assert.equal(final.globalTest.count, dataset.test.count);
      assert.match(final.dartsGenotype, /^Genotype\(normal=/);
    } finally {
      engines.forEach((e) => e.dispose());
    }
  });
});
