import { CorruptFileError, InvalidDataParameterError, LabelOutOfRangeError } from './errors.js';
import type { ImageSet, ImageShape } from './types.js';

/** Bytes of one image of this shape. */
export function imageSize(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}

/**
 * Build an `ImageSet`, checking that the pixel buffer holds exactly `labels.length` images and that
 * every label is in `[0, numClasses)`. `where` names the file or source in error messages.
 */
export function createImageSet(
  shape: ImageShape,
  images: Uint8Array,
  labels: Int32Array,
  numClasses: number,
  where: string,
  coarseLabels?: Int32Array,
): ImageSet {
  const expected = labels.length * imageSize(shape);
  if (images.length !== expected) {
    throw new CorruptFileError(
      `Error in ${where}: expected ${labels.length} images of ${shape.height}x${shape.width}x${shape.channels} ` +
        `(${expected} bytes), found ${images.length} bytes.`,
    );
  }
  checkLabels(labels, numClasses, where);
  return { ...shape, images, labels, count: labels.length, ...(coarseLabels ? { coarseLabels } : {}) };
}

/** Throw `LabelOutOfRangeError` on the first label outside `[0, numClasses)`. */
export function checkLabels(labels: ArrayLike<number>, numClasses: number, where: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
      throw new LabelOutOfRangeError(
        `Error in ${where}: label of sample ${i} must be an integer in [0, ${numClasses}), found ${y}.`,
      );
    }
  }
}

/** A copy of the samples at `indices` (e.g. one peer's shard, so the rest can be freed). */
export function selectSamples(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  const coarse = set.coarseLabels ? new Int32Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!(Number.isInteger(i) && i >= 0 && i < set.count)) {
      throw new InvalidDataParameterError(
        `Error in selectSamples: indices[${k}] must be an integer in [0, ${set.count}), found ${i}.`,
      );
    }
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i] as number;
    if (coarse && set.coarseLabels) coarse[k] = set.coarseLabels[i] as number;
  }
  return {
    height: set.height,
    width: set.width,
    channels: set.channels,
    images,
    labels,
    count: indices.length,
    ...(coarse ? { coarseLabels: coarse } : {}),
  };
}

/** How many samples of each class `indices` (default: all samples) hold. */
export function classCounts(
  labels: ArrayLike<number>,
  numClasses: number,
  indices?: ArrayLike<number>,
): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  const n = indices ? indices.length : labels.length;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    const y = labels[i] as number;
    counts[y] = (counts[y] ?? 0) + 1;
  }
  return counts;
}
