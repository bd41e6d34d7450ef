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
import { transposedConv } from './transposed_conv.js';
import { upsampledDepthwiseInputGrad } from './upsampled_conv.js';

const NAME = 'DepthwiseConv2dNativeBackpropInput';

/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend: one stride-1 XNNPACK depthwise
 * convolution of `dy` (zero-inserted when strided, see `upsampledDepthwiseInputGrad`) with the
 * flipped filter, then a sum over the channel multiplier. Any stride, dilation and padding,
 * including stride and dilation both > 1.
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
  return inScope(args.backend, 'wasm', (scope) => {
    const strided = g.strideHeight > 1 || g.strideWidth > 1;
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
