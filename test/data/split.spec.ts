import assert from 'node:assert/strict';
import { classCounts } from '../../src/data/image-set.js';
import { partition } from '../../src/data/partition/index.js';
import { DEFAULT_SPLIT_FRACTIONS, SPLIT_PARTS, splitAll, splitPeer } from '../../src/data/split.js';
import { cyclicLabels, throwsNamed } from './helpers.js';

describe('data/split: per-peer train / support / query / test', function () {
  const labels = cyclicLabels(2000, 10);
  const shards = partition(labels, { scheme: 'dirichlet', numPeers: 6, seed: 2, alpha: 0.5 });

  it('splits each shard disjointly into parts of the requested fractions, stratified by class', function () {
    const splits = splitAll(shards, labels, 9);
    splits.forEach((split, p) => {
      const shard = shards[p] as Int32Array;
      const all = SPLIT_PARTS.flatMap((part) => Array.from(split[part])).sort((a, b) => a - b);
      assert.deepEqual(all, Array.from(shard));
      const shardCounts = classCounts(labels, 10, shard);
      for (const part of SPLIT_PARTS) {
        const f = DEFAULT_SPLIT_FRACTIONS[part];
        assert.ok(Math.abs(split[part].length - f * shard.length) <= 1, `${part} size`);
        const counts = classCounts(labels, 10, split[part]);
        counts.forEach((c, k) =>
          assert.ok(Math.abs(c - f * (shardCounts[k] as number)) <= 1.5, `${part} class ${k}`),
        );
      }
    });
  });

  it('is seeded per peer: a peer computes its own split alone, and seeds change it', function () {
    const all = splitAll(shards, labels, 9);
    assert.deepEqual(splitPeer(shards[3] as Int32Array, labels, 9, 3), all[3]);
    assert.notDeepEqual(splitPeer(shards[3] as Int32Array, labels, 10, 3), all[3]);
    const fractions = { train: 0.5, support: 0.25, query: 0.25, test: 0 };
    const unstratified = splitPeer(shards[0] as Int32Array, labels, 1, 0, { fractions, stratified: false });
    assert.equal(unstratified.test.length, 0);
    assert.ok(Math.abs(unstratified.support.length - (shards[0] as Int32Array).length / 4) <= 1);
  });

  it('rejects bad fractions (InvalidDataParameterError) and shards too small (TooFewSamplesError)', function () {
    const shard = shards[0] as Int32Array;
    throwsNamed(
      () => splitPeer(shard, labels, 0, 0, { fractions: { train: 0.5, support: 0.5, query: 0.5, test: 0 } }),
      'InvalidDataParameterError',
      /sum to 1, found 0\.5\/0\.5\/0\.5\/0 \(sum 1\.5\)/,
    );
    throwsNamed(
      () => splitPeer(shard, labels, 0, 0, { fractions: { train: 1.2, support: -0.2, query: 0, test: 0 } }),
      'InvalidDataParameterError',
    );
    throwsNamed(
      () => splitPeer([1, 2, 3], labels, 0, 4),
      'TooFewSamplesError',
      /peer 4 has 3 samples, too few for a non-empty '(support|query|test)' part/,
    );
  });
});
