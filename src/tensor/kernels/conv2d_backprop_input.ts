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

const NAME = 'Conv2DBackpropInput';

/**
 * Conv2DBackpropInput for the wasm backend: replaces tfjs-backend-wasm's scalar C++ loop (about
 * 10x slower than its forward convolution) by `strides` stride-1 XNNPACK convolutions with the
 * flipped, transposed sub-filters (see `transposedConv`). Inputs `dy`, `filter`; attributes as
 * tfjs-core's plus an optional `dilations` (default 1).
 */
export function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const a = convBackpropAttrs(NAME, args.attrs);
  const inputShape = args.attrs.inputShape as [number, number, number, number];
  const g = convGeometry(inputShape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode, false);
  checkDyShape(NAME, dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return inScope(args.backend, 'wasm', (scope) => transposedConv(scope, dy, scope.read(filter), g, 'conv'));
}

/** Kernel config registered by `registerWasmTrainingKernels` in place of tfjs-backend-wasm's own. */
export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
