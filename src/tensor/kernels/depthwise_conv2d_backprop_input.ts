import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { checkDyShape, convBackpropAttrs } from './attrs.js';
import { convGeometry } from './conv_geometry.js';
import { inScope } from './kernel_scope.js';
import { depthwiseSimd, simdDepthwiseInputGrad } from './simd/depthwise_simd.js';
import { transposedConv } from './transposed_conv.js';
import { upsampledDepthwiseInputGrad } from './upsampled_conv.js';

const NAME = 'DepthwiseConv2dNativeBackpropInput';

/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend: one stride-1 XNNPACK depthwise
 * convolution of `dy` (zero-inserted when strided, see `upsampledDepthwiseInputGrad`) with the
 * flipped filter, then a sum over the channel multiplier. Any stride, dilation and padding,
 * including stride and dilation both > 1. With channel multiplier 1, strided or with 5x5 filters,
 * the WebAssembly SIMD scatter of `simd/depthwise.wat` runs instead where SIMD is available: it
 * skips the products with inserted zeros (3-4x the zero-inserted convolution) and beats XNNPACK's
 * path for filters of 25 taps and more.
 */
export function depthwiseConv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const a = convBackpropAttrs(NAME, args.attrs);
  const inputShape = args.attrs.inputShape as [number, number, number, number];
  const g = convGeometry(inputShape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  checkDyShape(NAME, dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  const multiplier = g.outChannels / g.inChannels;
  const strided = g.strideHeight > 1 || g.strideWidth > 1;
  // Measured on the search's shapes: the SIMD scatter beats XNNPACK when strided and for 5x5 filters.
  const direct = strided || g.filterHeight * g.filterWidth >= 25;
  const simd = direct && multiplier === 1 ? depthwiseSimd(args.backend) : null;
  return inScope(args.backend, 'wasm', (scope) => {
    if (simd != null) {
      const dx = scope.output([...inputShape]);
      simdDepthwiseInputGrad(simd, args.backend, dy, filter, dx, g);
      return dx;
    }
    const w = scope.read(filter);
    const full = strided
      ? upsampledDepthwiseInputGrad(scope, dy, w, g)
      : transposedConv(scope, dy, w, g, 'depthwise');
    if (multiplier === 1) return full;
    const split = scope.reshape(full, [g.batch, g.inHeight, g.inWidth, g.inChannels, multiplier]);
    return scope.run('Sum', { x: split }, { axis: [4], keepDims: false });
  });
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as KernelFunc,
};
