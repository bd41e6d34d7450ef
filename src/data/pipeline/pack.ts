import { InvalidDataParameterError } from '../errors.js';
import { checkNormalization } from '../stats.js';
import type { ImageSet, Normalization } from '../types.js';
import { checkAugmentation, drawTransform, type Augmentation } from './augment.js';
import type { Rng } from '../../util/rng.js';

/** How labels are encoded in a batch. */
export type LabelEncoding = 'int32' | 'onehot';

function checkIndices(set: ImageSet, indices: ArrayLike<number>): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!(Number.isInteger(i) && i >= 0 && i < set.count)) {
      throw new InvalidDataParameterError(
        `Error in packImages: indices[${k}] must be an integer in [0, ${set.count}), found ${i}.`,
      );
    }
  }
}

/**
 * Pack the images at `indices` into a new NHWC float32 array, normalised per channel as
 * `(pixel / 255 - mean) / std`, with `augmentation` drawn from `rng` when given. Crop padding is
 * black (pixel 0) before normalisation, as in torchvision's `RandomCrop(padding=4)`.
 */
export function packImages(
  set: ImageSet,
  indices: ArrayLike<number>,
  normalization: Normalization,
  augmentation?: Augmentation,
  rng?: Rng,
): Float32Array {
  checkIndices(set, indices);
  const { height: H, width: W, channels: C } = set;
  checkNormalization(normalization, C, 'packImages');
  if (augmentation) {
    checkAugmentation(augmentation);
    if (!rng)
      throw new InvalidDataParameterError('Error in packImages: augmentation needs an rng, found none.');
  }
  const scale = normalization.std.map((s) => 1 / (255 * s));
  const offset = normalization.mean.map((m, c) => m / (normalization.std[c] as number));
  const size = H * W * C;
  const out = new Float32Array(indices.length * size);
  const src = set.images;
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] as number) * size;
    const o = k * size;
    const t = augmentation && rng ? drawTransform(augmentation, rng) : undefined;
    if (!t || (t.dx === 0 && t.dy === 0 && !t.flip)) {
      for (let p = 0; p < size; p++) {
        const c = p % C;
        out[o + p] = (src[base + p] as number) * (scale[c] as number) - (offset[c] as number);
      }
      continue;
    }
    for (let y = 0; y < H; y++) {
      const sy = y + t.dy;
      for (let x = 0; x < W; x++) {
        const sx = (t.flip ? W - 1 - x : x) + t.dx;
        const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
        for (let c = 0; c < C; c++) {
          const v = inside ? (src[base + (sy * W + sx) * C + c] as number) : 0;
          out[o + (y * W + x) * C + c] = v * (scale[c] as number) - (offset[c] as number);
        }
      }
    }
  }
  return out;
}

/** The labels at `indices` as int32, or one-hot float32 rows of `numClasses`. */
export function packLabels(
  labels: ArrayLike<number>,
  indices: ArrayLike<number>,
  encoding: LabelEncoding,
  numClasses: number,
): Int32Array | Float32Array {
  if (encoding === 'int32')
    return Int32Array.from({ length: indices.length }, (_, k) => labels[indices[k] as number] as number);
  const out = new Float32Array(indices.length * numClasses);
  for (let k = 0; k < indices.length; k++) {
    const y = labels[indices[k] as number] as number;
    if (!(y >= 0 && y < numClasses)) {
      throw new InvalidDataParameterError(
        `Error in packLabels: label must be in [0, ${numClasses}), found ${y}.`,
      );
    }
    out[k * numClasses + y] = 1;
  }
  return out;
}
