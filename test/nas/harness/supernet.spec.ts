import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { runInProcessFederation } from '../../../src/nas/harness/index.js';
import {
  fedMetaNasLocalUpdate,
  fedNasLocalUpdate,
  supervisedLocalUpdate,
} from '../../../src/nas/learn/index.js';
import { createSupernet, type Supernet } from '../../../src/nas/space/supernet.js';
import {
  decodeModelState,
  encodeModelState,
  extractModelState,
  hashConfig,
  loadModelState,
} from '../../../src/nas/state/index.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';
import { readVars } from '../../utils/nas-fixtures.js';
import { makeSyntheticPeers } from '../../utils/synthetic-peers.js';

/** A supernet small enough for unit tests: 3 cells (2 reductions), 2 nodes, 4 ops, 8x8x1 inputs. */
const SPACE = {
  layers: 3,
  channels: 2,
  nodes: 2,
  ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'] as const,
  inChannels: 1 as const,
  numClasses: 3,
  imageSize: 8,
  stemMultiplier: 1,
};

const supernet = (seed = 1): Supernet => createSupernet({ ...SPACE, ops: [...SPACE.ops] }, { seed });
const peers = (k = 2) =>
  makeSyntheticPeers({
    peers: k,
    trainPerPeer: 16,
    testPerPeer: 8,
    classes: 3,
    shape: [8, 8, 1],
    noise: 0.8,
    seed: 3,
  });

forEachBackend('learners, state and harness on the DARTS supernet', () => {
  it('runs the FedMetaNAS, FedNAS and supervised local updates without leaking tensors', function () {
    const model = supernet();
    const [peer] = peers(1);
    const w0 = readVars(model.weights);
    const a0 = readVars(model.alphas);
    const tensors = tf.memory().numTensors;
    const r = fedMetaNasLocalUpdate(model, peer, {
      tau: 1,
      rng: new Rng(1),
      metaSteps: 1,
      task: { steps: 1 },
      sizes: { support: 4, query: 4 },
    });
    assert.ok(Number.isFinite(r.trainLoss) && Number.isFinite(r.queryLoss ?? NaN));
    fedNasLocalUpdate(model, peer, { steps: 1, round: 0, totalRounds: 2, rng: new Rng(2), batchSize: 4 });
    supervisedLocalUpdate(model, peer, { steps: 1, rng: new Rng(3), batchSize: 4 });
    assert.equal(tf.memory().numTensors, tensors);
    assert.notDeepEqual(readVars(model.weights), w0);
    assert.notDeepEqual(readVars(model.alphas), a0);
    model.dispose();
  });

  it('extracts, encodes and loads supernet states, leaving out pruned candidates', function () {
    const src = supernet(1);
    const mask = Float32Array.from(src.masks.get('normal.edges.0') as Float32Array);
    mask[3] = 0;
    src.masks.set('normal.edges.0', mask);
    const configHash = hashConfig(SPACE);
    const state = extractModelState(src, { round: 1, configHash });
    const prunedNames = [...src.weights.keys()].filter((n) => {
      const ref = src.candidateOf(n);
      return ref?.alphaKey === 'normal.edges.0' && ref.index === 3;
    });
    assert.ok(prunedNames.length > 0);
    for (const n of prunedNames) assert.equal(state.weights[n], undefined);
    const dst = supernet(2);
    loadModelState(dst, decodeModelState(encodeModelState(state)), { configHash });
    assert.deepEqual(
      encodeModelState(extractModelState(dst, { round: 1, configHash })),
      encodeModelState(state),
    );
    src.dispose();
    dst.dispose();
  });

  it('runs 2 peers x 2 rounds of FedMetaNAS with soft pruning, tensors flat', function () {
    const model = supernet();
    const result = runInProcessFederation(model, peers(2), {
      method: 'fedmetanas',
      rounds: 2,
      seed: 5,
      configHash: hashConfig(SPACE),
      localSteps: 1,
      tauMax: 1,
      tauMin: 0.5,
      prune: { threshold: 0.2 },
      fedmetanas: {
        sizes: { support: 4, query: 4 },
        task: { steps: 1 },
        metaAlphaOptimizer: { kind: 'adam', lr: 0.5, beta1: 0.5, beta2: 0.999 },
      },
      eval: { batchSize: 8 },
    });
    assert.equal(result.rounds[0].numTensors, result.rounds[1].numTensors);
    assert.ok(result.rounds.every((r) => Number.isFinite(r.global?.loss ?? NaN)));
    assert.ok(result.rounds[1].prunedCandidates > 0, 'soft pruning (src/nas/pruning.ts) is wired in');
    assert.ok(result.rounds[1].globalBytes < result.rounds[0].peers[0].bytes);
    model.dispose();
  });
});
