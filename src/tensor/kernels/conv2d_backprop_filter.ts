import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { checkDyShape, convBackpropAttrs } from './attrs.js';
import { convGeometry, explicitPadding, type ConvGeometry } from './conv_geometry.js';
import { inScope, type KernelScope } from './kernel_scope.js';
import { subsample } from './subsample.js';

const NAME = 'Conv2DBackpropFilter';

/**
 * 1x1 filters: subsample `x` at the positions the filter reads, then one matrix product over
 * `batch * outHeight * outWidth`. XNNPACK packs the right operand, so the narrower one goes there.
 */
function pointwise(scope: KernelScope, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { batch: n, outHeight: oh, outWidth: ow, inChannels: ci, outChannels: co } = g;
  const direct = g.padTop === 0 && g.padLeft === 0 && g.strideHeight === 1 && g.strideWidth === 1;
  const xs =
    direct && g.inHeight === oh && g.inWidth === ow
      ? x
      : subsample(scope, x, oh, ow, g.strideHeight, g.strideWidth, g.padTop, g.padLeft);
  const m = n * oh * ow;
  const xm = scope.reshape(xs, [m, ci]);
  const dym = scope.reshape(dy, [m, co]);
  if (co <= ci) {
    const xt = scope.run('Transpose', { x: xm }, { perm: [1, 0] });
    const prod = scope.run(
      'BatchMatMul',
      { a: scope.reshape(xt, [1, ci, m]), b: scope.reshape(dym, [1, m, co]) },
      { transposeA: false, transposeB: false },
    );
    return scope.reshape(prod, [1, 1, ci, co]);
  }
  const dyt = scope.run('Transpose', { x: dym }, { perm: [1, 0] });
  const prod = scope.run(
    'BatchMatMul',
    { a: scope.reshape(dyt, [1, co, m]), b: scope.reshape(xm, [1, m, ci]) },
    { transposeA: false, transposeB: false },
  );
  const t = scope.run('Transpose', { x: scope.reshape(prod, [co, ci]) }, { perm: [1, 0] });
  return scope.reshape(t, [1, 1, ci, co]);
}

/**
 * `dW[kh, kw, ci, co] = sum x[n, oh*s + kh*d - p, ci] * dy[n, oh, co]` is itself a convolution:
 * input `x` as `[ci, H, W, n]`, filter `dy` as `[oh, ow, n, co]`, strides `d`, dilations `s`,
 * giving `[ci, kh, kw, co]`.
 */
function spatial(scope: KernelScope, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = g;
  const xt = scope.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyt = scope.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const padBottom = Math.max(
    0,
    (kh - 1) * g.dilationHeight + (g.outHeight - 1) * g.strideHeight + 1 - g.inHeight - g.padTop,
  );
  const padRight = Math.max(
    0,
    (kw - 1) * g.dilationWidth + (g.outWidth - 1) * g.strideWidth + 1 - g.inWidth - g.padLeft,
  );
  let out = scope.run(
    'Conv2D',
    { x: xt, filter: dyt },
    {
      strides: [g.dilationHeight, g.dilationWidth],
      dilations: [g.strideHeight, g.strideWidth],
      pad: explicitPadding(g.padTop, padBottom, g.padLeft, padRight),
      dataFormat: 'NHWC',
    },
  );
  if (out.shape[1] !== kh || out.shape[2] !== kw) {
    out = scope.run('Slice', { x: out }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] });
  }
  return scope.run('Transpose', { x: out }, { perm: [1, 2, 0, 3] });
}

/**
 * Conv2DBackpropFilter for the wasm backend, composed of XNNPACK convolutions / matrix products.
 * Inputs `x`, `dy`; attributes as tfjs-core's plus an optional `dilations` (default 1).
 */
export function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const a = convBackpropAttrs(NAME, args.attrs);
  const filterShape = args.attrs.filterShape as [number, number, number, number];
  const g = convGeometry(x.shape, filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, false);
  checkDyShape(NAME, dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return inScope(args.backend, 'wasm', (scope) =>
    g.filterHeight === 1 && g.filterWidth === 1 ? pointwise(scope, x, dy, g) : spatial(scope, x, dy, g),
  );
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
