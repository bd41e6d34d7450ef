import type * as tf from '@tensorflow/tfjs-core';
import * as ops from '../../tensor/ops/index.js';

/**
 * The one place the search space calls spatial convolutions: the tensor ops of `src/tensor/ops`,
 * which accept any stride and dilation (stride 2 with dilation 2 in reduction cells) with gradients on
 * every backend. Swapping the implementation is a change to this file only.
 */

/** Square stride, symmetric zero padding (PyTorch `padding=`) and square dilation. */
export interface ConvOptions {
  strides: number;
  pad: number;
  dilations: number;
}

/** Regular convolution, NHWC input, filter `[kh, kw, in, out]`. */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, opts: ConvOptions): tf.Tensor4D {
  return ops.conv2d(x, filter, { strides: opts.strides, pad: opts.pad, dilations: opts.dilations });
}

/** Depthwise convolution, NHWC input, filter `[kh, kw, in, 1]`. */
export function depthwiseConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, opts: ConvOptions): tf.Tensor4D {
  return ops.depthwiseConv2d(x, filter, { strides: opts.strides, pad: opts.pad, dilations: opts.dilations });
}
