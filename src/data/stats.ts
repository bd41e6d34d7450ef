import { InvalidDataParameterError } from './errors.js';
import type { ImageSet, Normalization } from './types.js';

/** Mean/std of the 60,000 MNIST training digits. */
export const MNIST_NORMALIZATION: Normalization = { mean: [0.1307], std: [0.3081] };
/** Mean/std of the 60,000 Fashion-MNIST training images. */
export const FASHION_MNIST_NORMALIZATION: Normalization = { mean: [0.286], std: [0.353] };
/** Per-channel mean/std (over all pixels) of the 50,000 CIFAR-10 training images. */
export const CIFAR10_NORMALIZATION: Normalization = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.2435, 0.2616],
};
/** Per-channel mean/std (over all pixels) of the 50,000 CIFAR-100 training images. */
export const CIFAR100_NORMALIZATION: Normalization = {
  mean: [0.5071, 0.4865, 0.4409],
  std: [0.2673, 0.2564, 0.2762],
};
/** Maps pixels to [0, 1] only. */
export function identityNormalization(channels: number): Normalization {
  return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/** Per-channel mean/std of a set's pixels on the [0, 1] scale (used for image-folder datasets). */
export function computeNormalization(set: ImageSet): Normalization {
  const c = set.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  const px = set.images;
  for (let i = 0; i < px.length; i++) {
    const v = (px[i] as number) / 255;
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = px.length / c;
  const mean = Array.from(sum, (s) => (n > 0 ? s / n : 0));
  const std = Array.from(sq, (s, k) => {
    const m = mean[k] as number;
    const sd = n > 0 ? Math.sqrt(Math.max(s / n - m * m, 0)) : 1;
    return sd > 1e-6 ? sd : 1;
  });
  return { mean, std };
}

/** Throw unless `norm` has one positive std and one finite mean per channel. */
export function checkNormalization(norm: Normalization, channels: number, where: string): void {
  const ok =
    norm.mean.length === channels &&
    norm.std.length === channels &&
    norm.mean.every(Number.isFinite) &&
    norm.std.every((s) => Number.isFinite(s) && s > 0);
  if (!ok) {
    throw new InvalidDataParameterError(
      `Error in ${where}: normalization must have ${channels} finite means and ${channels} positive stds, ` +
        `found mean=[${norm.mean.join(', ')}] std=[${norm.std.join(', ')}].`,
    );
  }
}
