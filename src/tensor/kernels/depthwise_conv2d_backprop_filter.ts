import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { checkDyShape, convBackpropAttrs } from './attrs.js';
import { convGeometry, type ConvGeometry } from './conv_geometry.js';
import { inScope } from './kernel_scope.js';
import { depthwiseSimd, simdDepthwiseFilterGrad } from './simd/depthwise_simd.js';

const NAME = 'DepthwiseConv2dNativeBackpropFilter';

/**
 * `dW[kh, kw, c, m] = sum x[b, i*s + kh*d - p, j*s + kw*d - p, c] * dy[b, i, j, c*M + m]`, as one
 * loop over heap views with float64 accumulators. Measured alternatives were not faster: XNNPACK
 * depthwise convolution with `dy` as the filter (XNNPACK packs a `dy`-sized filter at 8-20 ns an
 * element and falls back to a slow path for kernels over 25 taps); per tap, a heap copy of the
 * window, an XNNPACK Multiply and AvgPool (the copy alone costs what the loop's products cost);
 * tfjs-backend-wasm's Slice/StridedSlice copy the whole input on every call.
 */
function accumulate(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float64Array {
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = g;
  const { filterHeight: kh, filterWidth: kw } = g;
  const cm = g.outChannels;
  const m = cm / c;
  const acc = new Float64Array(kh * kw * cm);
  // Output pixel outermost: dy is read once, the x windows overlap in cache, acc stays in L1.
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const dyo = ((b * oh + i) * ow + j) * cm;
        for (let th = 0; th < kh; th++) {
          const r = i * g.strideHeight + th * g.dilationHeight - g.padTop;
          if (r < 0 || r >= h) continue;
          const xRow = (b * h + r) * w;
          for (let tw = 0; tw < kw; tw++) {
            const q = j * g.strideWidth + tw * g.dilationWidth - g.padLeft;
            if (q < 0 || q >= w) continue;
            const xo = (xRow + q) * c;
            const ao = (th * kw + tw) * cm;
            if (m === 1) {
              for (let k = 0; k < cm; k++) acc[ao + k] += x[xo + k] * dy[dyo + k];
            } else {
              for (let k = 0; k < cm; k++) acc[ao + k] += x[xo + ((k / m) | 0)] * dy[dyo + k];
            }
          }
        }
      }
    }
  }
  return acc;
}

/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend: any stride, dilation (both > 1
 * included) and padding, channel multiplier. Channel multiplier 1 (the search space's) runs the
 * WebAssembly SIMD kernel of `simd/depthwise.wat` where SIMD is available (6-20x the JS loop);
 * the JS loop above covers the rest.
 */
export function depthwiseConv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const a = convBackpropAttrs(NAME, args.attrs);
  const filterShape = args.attrs.filterShape as [number, number, number, number];
  const g = convGeometry(x.shape, filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  checkDyShape(NAME, dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return inScope(args.backend, 'wasm', (scope) => {
    const out = scope.output([...filterShape]);
    const simd = g.outChannels === g.inChannels ? depthwiseSimd(args.backend) : null;
    if (simd != null) {
      simdDepthwiseFilterGrad(simd, args.backend, x, dy, out, g);
      return out;
    }
    const acc = accumulate(scope.view(x), scope.view(dy), g);
    scope.view(out).set(acc);
    return out;
  });
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilter as unknown as KernelFunc,
};
