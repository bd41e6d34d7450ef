import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from './kernel_scope.js';

/**
 * `out[b, i, j, :] = x[b, i*strideH - top, j*strideW - left, :]`, zero outside `x`: the pixels a
 * 1x1 convolution reads, copied through heap views (tfjs-backend-wasm's PadV2 + StridedSlice
 * would take 10-40 ms on a 32x28x28x16 input).
 */
export function subsample(
  scope: KernelScope,
  x: TensorInfo,
  outHeight: number,
  outWidth: number,
  strideH: number,
  strideW: number,
  top: number,
  left: number,
): TensorInfo {
  const [n, h, w, c] = x.shape;
  const out = scope.output([n, outHeight, outWidth, c]);
  const src = scope.view(x);
  const dst = scope.view(out);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < outHeight; i++) {
      const r = i * strideH - top;
      for (let j = 0; j < outWidth; j++, o += c) {
        const q = j * strideW - left;
        if (r < 0 || r >= h || q < 0 || q >= w) {
          for (let k = 0; k < c; k++) dst[o + k] = 0;
        } else {
          const s = ((b * h + r) * w + q) * c;
          for (let k = 0; k < c; k++) dst[o + k] = src[s + k];
        }
      }
    }
  }
  return out;
}
