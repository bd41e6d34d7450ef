import { strict as assert } from 'node:assert';
import { krum } from '../../../src/nas/aggregate/krum.js';
import { runInProcessFederation, type HarnessConfig } from '../../../src/nas/harness/index.js';
import { encodeModelState } from '../../../src/nas/state/codec.js';
import { forEachBackend } from '../../utils/backends.js';
import { tinyModel, tinyPeers } from '../../utils/nas-fixtures.js';

const BASE: HarnessConfig = {
  method: 'fedmetanas',
  rounds: 2,
  seed: 21,
  configHash: 'tiny',
  localSteps: 6,
  tauMax: 2,
  tauMin: 0.5,
  fedmetanas: {
    sizes: { support: 16, query: 16 },
    task: { steps: 2, weightLr: 0.05 },
    metaWeightOptimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 },
  },
};

forEachBackend('runInProcessFederation', () => {
  it('3 peers x 2 rounds of FedMetaNAS: accuracy improves, tensors stay flat, runs repeat exactly', function () {
    const run = () => {
      const model = tinyModel();
      const result = runInProcessFederation(model, tinyPeers(3), BASE);
      model.dispose();
      return result;
    };
    const a = run();
    assert.equal(a.rounds.length, 2);
    const last = a.rounds[1].global;
    assert.ok(last !== undefined);
    assert.ok(last.accuracy > a.initial.accuracy + 0.2, `${a.initial.accuracy} -> ${last.accuracy}`);
    assert.ok(last.accuracy > 0.8, `${last.accuracy}`);
    assert.equal(a.rounds[0].numTensors, a.rounds[1].numTensors);
    assert.equal(a.rounds[0].peers.length, 3);
    assert.ok(
      a.rounds[0].peers.every((p) => p.bytes > 0 && Number.isFinite(p.trainLoss) && p.test !== undefined),
    );
    assert.ok(a.rounds[0].timeMs.total >= a.rounds[0].timeMs.local);
    assert.deepEqual(a.settings.stepsPerPeer, [6, 6, 6]);
    assert.equal(a.settings.rule, 'fedAvg');
    const b = run();
    assert.deepEqual(encodeModelState(b.finalState), encodeModelState(a.finalState));
    assert.deepEqual(b.rounds[1].global, last);
  });

  it('prunes improbable candidates and stops sending their weights', function () {
    const model = tinyModel();
    const result = runInProcessFederation(model, tinyPeers(3), {
      ...BASE,
      tauMax: 1,
      tauMin: 1,
      prune: { threshold: 0.1 },
      fedmetanas: {
        ...BASE.fedmetanas,
        metaAlphaOptimizer: { kind: 'adam', lr: 0.3, beta1: 0.5, beta2: 0.999 },
      },
    });
    const pruned = result.rounds[1].prunedCandidates;
    assert.ok(pruned >= 2, `${pruned} pruned`);
    assert.equal(pruned, result.rounds[0].newlyPruned + result.rounds[1].newlyPruned);
    assert.ok((result.rounds[1].global?.accuracy ?? 0) > 0.7);
    for (const [key, m] of Object.entries(result.finalState.masks)) {
      assert.ok(
        m.some((v) => v === 1),
        `${key} keeps a candidate`,
      );
      m.forEach((v, i) => {
        if (v !== 0 || !key.startsWith('normal.edges.')) return;
        const op = ['none', 'dense_relu', 'dense_tanh', 'skip'][i];
        assert.equal(result.finalState.weights[`cells.0.${key.slice(7)}.${op}.kernel`], undefined);
      });
    }
    assert.ok(result.rounds[1].globalBytes < result.rounds[0].peers[0].bytes, 'pruned weights are not sent');
    model.dispose();
  });

  for (const method of ['fedmetanas-nomaml', 'fedmetanas-noprune', 'fednas', 'fedavg'] as const) {
    it(`${method}: runs and learns`, function () {
      const model = tinyModel();
      const result = runInProcessFederation(model, tinyPeers(3), {
        ...BASE,
        method,
        rounds: 2,
        fednas: { batchSize: 16, alphaOptimizer: { kind: 'adam', lr: 3e-3, beta1: 0.5, beta2: 0.999 } },
        supervised: { batchSize: 16, lr: 0.05 },
      });
      const last = result.rounds[1].global;
      assert.ok(
        last !== undefined && last.accuracy > result.initial.accuracy,
        `${method}: ${result.initial.accuracy} -> ${last?.accuracy}`,
      );
      assert.equal(result.rounds[0].numTensors, result.rounds[1].numTensors);
      if (method !== 'fedmetanas-nomaml') assert.equal(result.rounds[1].prunedCandidates, 0);
      model.dispose();
    });
  }

  it('uses a robust rule, personalizes, and fails a round whose updates are all rejected', function () {
    const model = tinyModel();
    const result = runInProcessFederation(model, tinyPeers(5, 3), {
      ...BASE,
      rounds: 1,
      localSteps: 2,
      rule: krum({ f: 1, m: 3 }),
      screen: { maxNorm: 1e6 },
      personalize: { steps: 3, batchSize: 16 },
    });
    assert.equal(result.settings.rule, 'krum(f=1, m=3, fedAvg)');
    assert.ok(result.rounds[0].personalized !== undefined);
    assert.ok(result.rounds[0].peers.every((p) => p.personalized !== undefined && p.rejected === undefined));
    assert.throws(
      () =>
        runInProcessFederation(model, tinyPeers(2), {
          ...BASE,
          rounds: 1,
          localSteps: 1,
          screen: { maxNorm: 1e-9 },
        }),
      { name: 'EmptyAggregationError', message: /round 0 must keep an update, found all 2 rejected/ },
    );
    assert.throws(() => runInProcessFederation(model, tinyPeers(2), { ...BASE, rounds: 0 }), {
      name: 'HarnessConfigError',
      message: /Error in runInProcessFederation: config.rounds must be a positive integer, found 0/,
    });
    model.dispose();
  });
});
