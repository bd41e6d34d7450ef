import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createImageSet } from '../../src/data/image-set.js';
import { CIFAR_AUGMENTATION, drawTransform } from '../../src/data/pipeline/augment.js';
import {
  datasetBatchOptions,
  epochBatches,
  evaluationBatches,
  makeBatch,
} from '../../src/data/pipeline/batch.js';
import { packImages } from '../../src/data/pipeline/pack.js';
import type { Dataset, ImageSet } from '../../src/data/types.js';
import { Rng } from '../../src/util/rng.js';
import { expectNoLeak, forEachBackend } from '../utils/backends.js';
import { cyclicLabels, randomBytes, throwsNamed } from './helpers.js';

const shape = { height: 6, width: 5, channels: 3 };
const set: ImageSet = createImageSet(shape, randomBytes(20 * 90, 7), cyclicLabels(20, 4), 4, 'synthetic');
const norm = { mean: [0.5, 0.4, 0.3], std: [0.25, 0.2, 0.5] };

describe('data/pipeline: packing and augmentation (pure)', function () {
  it('normalises as (pixel / 255 - mean) / std in NHWC order', function () {
    const out = packImages(set, [3, 0], norm);
    assert.equal(out.length, 2 * 90);
    for (const p of [0, 1, 2, 44, 89]) {
      const c = p % 3;
      const expected =
        ((set.images[3 * 90 + p] as number) / 255 - (norm.mean[c] as number)) / (norm.std[c] as number);
      assert.ok(Math.abs((out[p] as number) - expected) < 1e-5);
    }
  });

  it('crops with zero padding and flips exactly as the drawn transform says', function () {
    for (let seed = 0; seed < 20; seed++) {
      const aug = { cropPadding: 2, horizontalFlip: true };
      const t = drawTransform(aug, new Rng(seed));
      const out = packImages(set, [5], { mean: [0, 0, 0], std: [1, 1, 1] }, aug, new Rng(seed));
      for (let y = 0; y < 6; y++) {
        for (let x = 0; x < 5; x++) {
          const sy = y + t.dy;
          const sx = (t.flip ? 4 - x : x) + t.dx;
          const inside = sy >= 0 && sy < 6 && sx >= 0 && sx < 5;
          const v = inside ? (set.images[5 * 90 + (sy * 5 + sx) * 3 + 1] as number) / 255 : 0;
          assert.ok(Math.abs((out[(y * 5 + x) * 3 + 1] as number) - v) < 1e-6, `seed ${seed} (${y},${x})`);
        }
      }
    }
  });

  it('rejects bad indices, augmentation without rng, bad normalisation', function () {
    throwsNamed(
      () => packImages(set, [20], norm),
      'InvalidDataParameterError',
      /indices\[0\].*\[0, 20\), found 20/,
    );
    throwsNamed(
      () => packImages(set, [0], norm, CIFAR_AUGMENTATION),
      'InvalidDataParameterError',
      /needs an rng/,
    );
    throwsNamed(
      () => packImages(set, [0], { mean: [0], std: [1] }),
      'InvalidDataParameterError',
      /3 finite means/,
    );
  });
});

forEachBackend('data/pipeline: batches', function () {
  it('makes float32 NHWC image and int32 / one-hot label tensors without leaking', async function () {
    const leaked = await expectNoLeak(async () => {
      const b = makeBatch(set, [0, 1, 2, 7], { normalization: norm });
      assert.deepEqual(b.xs.shape, [4, 6, 5, 3]);
      assert.equal(b.xs.dtype, 'float32');
      assert.equal(b.ys.dtype, 'int32');
      assert.deepEqual(Array.from(await b.ys.data()), [0, 1, 2, 3]);
      assert.deepEqual(await b.xs.data(), packImages(set, [0, 1, 2, 7], norm));
      b.dispose();
      const h = makeBatch(set, [1, 2], { labels: 'onehot', numClasses: 4 });
      assert.deepEqual(h.ys.shape, [2, 4]);
      assert.deepEqual(Array.from(await h.ys.data()), [0, 1, 0, 0, 0, 0, 1, 0]);
      h.dispose();
    });
    assert.equal(leaked, 0);
  });

  it('epoch batches are deterministic given (seed, epoch), cover the indices and do not leak', async function () {
    const dataset = { name: 'cifar10', normalization: norm, numClasses: 4 } as unknown as Dataset;
    const opts = { ...datasetBatchOptions(dataset, true), batchSize: 6, seed: 3 };
    assert.deepEqual(opts.augmentation, CIFAR_AUGMENTATION);
    const run = async (epoch: number): Promise<{ xs: number[]; ys: number[]; sizes: number[] }> => {
      const xs: number[] = [];
      const ys: number[] = [];
      const sizes: number[] = [];
      for (const b of epochBatches(
        set,
        Array.from({ length: 20 }, (_, i) => i),
        { ...opts, epoch },
      )) {
        xs.push(...(await b.xs.data()));
        ys.push(...(await b.ys.data()));
        sizes.push(b.size);
        b.dispose();
      }
      return { xs, ys, sizes };
    };
    const before = tf.memory().numTensors;
    const a = await run(0);
    assert.deepEqual(a.sizes, [6, 6, 6, 2]);
    assert.deepEqual(await run(0), a);
    assert.notDeepEqual((await run(1)).ys, a.ys);
    assert.deepEqual(a.ys.slice().sort(), Array.from(set.labels).sort());
    assert.equal(tf.memory().numTensors, before);
    throwsNamed(
      () => epochBatches(set, [0], { batchSize: 0, seed: 0 }).next(),
      'InvalidDataParameterError',
      /batchSize/,
    );
  });

  it('evaluation batches walk the global test set in order, unaugmented', async function () {
    const dataset = { name: 'cifar10', normalization: norm, numClasses: 4, test: set } as unknown as Dataset;
    const before = tf.memory().numTensors;
    const ys: number[] = [];
    for (const b of evaluationBatches(dataset, 8)) {
      if (ys.length === 0)
        assert.deepEqual(await b.xs.data(), packImages(set, [0, 1, 2, 3, 4, 5, 6, 7], norm));
      ys.push(...(await b.ys.data()));
      b.dispose();
    }
    assert.deepEqual(ys, Array.from(set.labels));
    assert.equal(tf.memory().numTensors, before);
  });
});
