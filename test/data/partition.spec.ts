import assert from 'node:assert/strict';
import { classCounts } from '../../src/data/image-set.js';
import { dirichletPartition } from '../../src/data/partition/dirichlet.js';
import { partition, shardFor } from '../../src/data/partition/index.js';
import { labelSkewPartition } from '../../src/data/partition/skew.js';
import type { Partition, PartitionSpec } from '../../src/data/partition/types.js';
import { loadDataset } from '../../src/data/registry.js';
import { cyclicLabels, throwsNamed } from './helpers.js';

/** Shards are ascending and disjoint; with `n`, they also cover all n samples. */
function assertCovers(shards: Partition, n?: number): void {
  const seen = new Uint8Array(n ?? 1 + Math.max(0, ...shards.map((s) => s[s.length - 1] ?? 0)));
  for (const s of shards) {
    for (let k = 0; k < s.length; k++) {
      const i = s[k] as number;
      assert.equal(seen[i], 0, `index ${i} twice`);
      seen[i] = 1;
      if (k > 0) assert.ok(i > (s[k - 1] as number), 'ascending');
    }
  }
  if (n !== undefined)
    assert.ok(
      seen.every((v) => v === 1),
      'every sample assigned',
    );
}

const nonZero = (counts: number[]): number => counts.filter((c) => c > 0).length;

describe('data/partition: IID, Dirichlet, label skew, shards', function () {
  let labels: Int32Array;
  before(async function () {
    labels = (await loadDataset('mnist')).train.labels;
  });

  const specs: PartitionSpec[] = [
    { scheme: 'iid', numPeers: 7, seed: 3 },
    { scheme: 'dirichlet', numPeers: 8, seed: 1, alpha: 0.1 },
    { scheme: 'skew', numPeers: 8, seed: 1, classesPerPeer: 4 },
    { scheme: 'shards', numPeers: 9, seed: 2 },
  ];
  for (const spec of specs) {
    it(`${spec.scheme}: disjoint, covering, deterministic, seed-dependent, shardFor = partition[i]`, function () {
      const a = partition(labels, spec);
      assert.equal(a.length, spec.numPeers);
      assertCovers(a, labels.length);
      assert.deepEqual(partition(labels, spec), a);
      assert.notDeepEqual(partition(labels, { ...spec, seed: spec.seed + 1 }), a);
      for (const i of [0, spec.numPeers - 1]) assert.deepEqual(shardFor(i, labels, spec), a[i]);
    });
  }

  it('iid: sizes differ by at most one', function () {
    const sizes = partition(labels, { scheme: 'iid', numPeers: 7, seed: 0 }).map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  });

  it('dirichlet: every peer gets at least minSize samples (redrawing as needed)', function () {
    let binding = false;
    for (let seed = 0; seed < 5; seed++) {
      const shards = dirichletPartition(labels, 20, seed, { alpha: 0.1, minSize: 20 });
      assert.ok(Math.min(...shards.map((s) => s.length)) >= 20, `seed ${seed}`);
      const free = dirichletPartition(labels, 20, seed, { alpha: 0.1, minSize: 0 });
      binding ||= Math.min(...free.map((s) => s.length)) < 20;
    }
    assert.ok(binding, 'the minimum forced a redraw for some seed');
    const skewed = dirichletPartition(labels, 8, 1, { alpha: 0.1 });
    const classesPerPeer = skewed.map((s) => nonZero(classCounts(labels, 10, s)));
    assert.ok(
      classesPerPeer.some((c) => c < 10),
      'alpha 0.1 is non-IID',
    );
  });

  it('dirichlet: unreachable minimum size is a MinShardSizeUnreachableError after maxRedraws', function () {
    throwsNamed(
      () => dirichletPartition(labels, 50, 0, { alpha: 0.001, minSize: 100, maxRedraws: 20 }),
      'MinShardSizeUnreachableError',
      /50 peers to get >= 100 samples.*after 20 Dirichlet\(alpha=0\.001\) draws.*--alpha.*--min-size/,
    );
  });

  it('skew: every peer holds samples of exactly tau classes; every class covered when N*tau >= C', function () {
    for (const numPeers of [3, 8, 20]) {
      for (let tau = 1; tau <= 10; tau++) {
        const shards = labelSkewPartition(labels, numPeers, 7, { classesPerPeer: tau });
        assertCovers(shards, numPeers * tau >= 10 ? labels.length : undefined);
        const counts = shards.map((s) => classCounts(labels, 10, s));
        counts.forEach((c, p) => assert.equal(nonZero(c), tau, `peers=${numPeers} tau=${tau} peer ${p}`));
        const holders = Array.from(
          { length: 10 },
          (_, k) => counts.filter((c) => (c[k] as number) > 0).length,
        );
        if (numPeers * tau >= 10)
          assert.ok(
            holders.every((h) => h > 0),
            `coverage peers=${numPeers} tau=${tau}`,
          );
        assert.ok(Math.max(...holders) - Math.min(...holders) <= 1, 'balanced holders');
      }
    }
  });

  it('shards: each peer gets 2 label-sorted shards (at most 4 classes, sizes within 2)', function () {
    const shards = partition(labels, { scheme: 'shards', numPeers: 10, seed: 0 });
    const sizes = shards.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 2);
    shards.forEach((s) => assert.ok(nonZero(classCounts(labels, 10, s)) <= 4));
  });

  it('bad parameters are named errors naming the parameter', function () {
    const small = cyclicLabels(20, 4);
    throwsNamed(
      () => dirichletPartition(small, 2, 0, { alpha: 0 }),
      'InvalidDataParameterError',
      /alpha must be .* > 0, found 0/,
    );
    throwsNamed(() => dirichletPartition(small, 2, 0, { alpha: -1 }), 'InvalidDataParameterError', /alpha/);
    throwsNamed(
      () => dirichletPartition(small, 3, 0, { alpha: 1, minSize: 10 }),
      'TooFewSamplesError',
      /needs 30 samples, found 20/,
    );
    throwsNamed(
      () => labelSkewPartition(small, 2, 0, { classesPerPeer: 5 }),
      'InvalidDataParameterError',
      /classesPerPeer \(tau\) must be an integer in \[1, 4\].*found 5/,
    );
    throwsNamed(
      () => labelSkewPartition(small, 12, 0, { classesPerPeer: 4 }),
      'TooFewSamplesError',
      /held by 12 peers.*found 5 samples/,
    );
    for (const spec of specs) {
      throwsNamed(
        () => partition(small, { ...spec, numPeers: 21 }),
        'TooFewSamplesError',
        /21 peers.*found 20 samples/,
      );
      throwsNamed(() => partition(small, { ...spec, numPeers: 0 }), 'InvalidDataParameterError', /numPeers/);
      throwsNamed(() => partition(small, { ...spec, seed: -1 }), 'InvalidDataParameterError', /seed/);
    }
    throwsNamed(
      () => partition(small, { scheme: 'shards', numPeers: 11, seed: 0 }),
      'TooFewSamplesError',
      /22 samples/,
    );
    throwsNamed(
      () => shardFor(2, small, { scheme: 'iid', numPeers: 2, seed: 0 }),
      'InvalidDataParameterError',
      /peer index/,
    );
  });
});
