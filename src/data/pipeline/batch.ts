import * as tf from '@tensorflow/tfjs-core';
import { InvalidDataParameterError } from '../errors.js';
import { checkInt } from '../partition/common.js';
import { identityNormalization } from '../stats.js';
import type { Dataset, ImageSet, Normalization } from '../types.js';
import { defaultAugmentation, type Augmentation } from './augment.js';
import { packImages, packLabels, type LabelEncoding } from './pack.js';
import { Rng } from '../../util/rng.js';

/** Options of `makeBatch`. */
export interface BatchOptions {
  /** Default: pixels / 255 only. */
  normalization?: Normalization;
  /** Train-time augmentation (needs `rng`). Default: none. */
  augmentation?: Augmentation;
  rng?: Rng;
  /** `int32` class indices (default) or `onehot` float32 rows (needs `numClasses`). */
  labels?: LabelEncoding;
  numClasses?: number;
}

/** A batch: NHWC float32 images and their labels. The caller disposes both (or calls `dispose`). */
export interface Batch {
  xs: tf.Tensor4D;
  /** `[n]` int32 class indices, or `[n, numClasses]` float32 one-hot rows. */
  ys: tf.Tensor1D | tf.Tensor2D;
  size: number;
  dispose(): void;
}

/**
 * Build one batch: images packed into a Float32Array then one `tf.tensor4d`, labels likewise into one
 * tensor. Exactly two tensors are created, owned by the caller.
 */
export function makeBatch(set: ImageSet, indices: ArrayLike<number>, opts: BatchOptions = {}): Batch {
  const encoding = opts.labels ?? 'int32';
  const numClasses = opts.numClasses ?? 0;
  if (encoding === 'onehot') checkInt(numClasses, 'numClasses', 'makeBatch (onehot labels)', 1);
  const norm = opts.normalization ?? identityNormalization(set.channels);
  const pixels = packImages(set, indices, norm, opts.augmentation, opts.rng);
  const labels = packLabels(set.labels, indices, encoding, numClasses);
  const n = indices.length;
  const xs = tf.tensor4d(pixels, [n, set.height, set.width, set.channels], 'float32');
  const ys =
    encoding === 'int32'
      ? tf.tensor1d(labels as Int32Array, 'int32')
      : tf.tensor2d(labels, [n, numClasses], 'float32');
  return {
    xs,
    ys,
    size: n,
    dispose() {
      xs.dispose();
      ys.dispose();
    },
  };
}

/** Options of `epochBatches`. */
export interface EpochOptions extends Omit<BatchOptions, 'rng'> {
  batchSize: number;
  /** Seed of the shuffle and augmentation: the same (seed, epoch) gives the same batches. */
  seed: number;
  epoch?: number;
  /** Shuffle the order each epoch (default true). */
  shuffle?: boolean;
  /** Drop a last incomplete batch (default false). */
  dropLast?: boolean;
}

/** Number of batches `epochBatches` yields. */
export function numBatches(n: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * The batches of one epoch over `indices` (a peer's split, say), deterministic given `(seed, epoch)`.
 * Each yielded batch belongs to the caller, who disposes it before or after taking the next one.
 */
export function* epochBatches(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: EpochOptions,
): Generator<Batch> {
  checkInt(opts.batchSize, 'batchSize', 'epochBatches', 1);
  checkInt(opts.seed, 'seed', 'epochBatches', 0, 0xffffffff);
  const epoch = opts.epoch ?? 0;
  checkInt(epoch, 'epoch', 'epochBatches', 0);
  if (indices.length === 0) {
    throw new InvalidDataParameterError(
      'Error in epochBatches: expected at least one sample index, found none.',
    );
  }
  const rng = new Rng(opts.seed).fork(`epoch-${epoch}`);
  const order = Array.from(indices);
  if (opts.shuffle ?? true) rng.fork('shuffle').shuffle(order);
  const augmentRng = rng.fork('augment');
  const count = numBatches(order.length, opts.batchSize, opts.dropLast);
  for (let b = 0; b < count; b++) {
    const slice = order.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
    yield makeBatch(set, slice, { ...opts, rng: augmentRng });
  }
}

/**
 * Batch options for a dataset: its normalisation and class count, plus its default augmentation
 * (CIFAR crop + flip) when `training`.
 */
export function datasetBatchOptions(
  dataset: Dataset,
  training: boolean,
  labels: LabelEncoding = 'int32',
): BatchOptions {
  const aug = defaultAugmentation(dataset.name);
  return {
    normalization: dataset.normalization,
    numClasses: dataset.numClasses,
    labels,
    ...(training && (aug.cropPadding > 0 || aug.horizontalFlip) ? { augmentation: aug } : {}),
  };
}

/**
 * Batches of a dataset's global test set for evaluation: in order, normalised with the dataset's
 * statistics, never augmented.
 */
export function* evaluationBatches(
  dataset: Dataset,
  batchSize: number,
  labels: LabelEncoding = 'int32',
): Generator<Batch> {
  checkInt(batchSize, 'batchSize', 'evaluationBatches', 1);
  const opts = datasetBatchOptions(dataset, false, labels);
  for (let start = 0; start < dataset.test.count; start += batchSize) {
    const end = Math.min(start + batchSize, dataset.test.count);
    yield makeBatch(
      dataset.test,
      Int32Array.from({ length: end - start }, (_, k) => start + k),
      opts,
    );
  }
}
