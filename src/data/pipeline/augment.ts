import { InvalidDataParameterError } from '../errors.js';
import type { Rng } from '../../util/rng.js';

/** Random train-time augmentation, applied while a batch is packed. */
export interface Augmentation {
  /** Random crop of the original size from the image zero-padded by this many pixels (0 = none). */
  cropPadding: number;
  /** Mirror left-right with probability 1/2. */
  horizontalFlip: boolean;
}

/** The standard CIFAR augmentation: random 32x32 crop with 4 pixels of zero padding, random flip. */
export const CIFAR_AUGMENTATION: Readonly<Augmentation> = { cropPadding: 4, horizontalFlip: true };
/** No augmentation. */
export const NO_AUGMENTATION: Readonly<Augmentation> = { cropPadding: 0, horizontalFlip: false };

/** The augmentation used by default when training on a dataset: CIFAR's for cifar10/100, else none. */
export function defaultAugmentation(datasetName: string): Readonly<Augmentation> {
  return datasetName === 'cifar10' || datasetName === 'cifar100' ? CIFAR_AUGMENTATION : NO_AUGMENTATION;
}

/** The transform drawn for one sample: output pixel (y, x) reads input (y + dy, flip ? W-1-x : x + dx). */
export interface SampleTransform {
  dy: number;
  dx: number;
  flip: boolean;
}

/** Throw unless the augmentation's padding is a non-negative integer. */
export function checkAugmentation(aug: Augmentation): void {
  if (!(Number.isInteger(aug.cropPadding) && aug.cropPadding >= 0)) {
    throw new InvalidDataParameterError(
      `Error in augmentation: cropPadding must be an integer >= 0, found ${aug.cropPadding}.`,
    );
  }
}

/** Draw one sample's transform: offsets uniform in [-pad, pad], flip with probability 1/2. */
export function drawTransform(aug: Augmentation, rng: Rng): SampleTransform {
  const p = aug.cropPadding;
  const dy = p > 0 ? rng.int(2 * p + 1) - p : 0;
  const dx = p > 0 ? rng.int(2 * p + 1) - p : 0;
  const flip = aug.horizontalFlip ? rng.uniform() < 0.5 : false;
  return { dy, dx, flip };
}
