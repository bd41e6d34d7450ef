import type * as tf from '@tensorflow/tfjs-core';
import { convSpec, type ConvOptions } from './conv_args.js';
import { decomposedConv } from './decompose.js';
import { directConv } from './direct.js';
import { resolveConvStrategy } from './strategy.js';

/**
 * 2-D convolution, NHWC, filter `[kh, kw, inC, outC]`, with any stride and dilation (both > 1
 * included) and gradients for `x` and `filter` on every backend.
 *
 * @throws ConvArgumentError on a wrong rank, dtype, channel count, stride, dilation or padding.
 */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, options: ConvOptions = {}): tf.Tensor4D {
  const spec = convSpec('conv2d', x, filter, options, false);
  return resolveConvStrategy(options.strategy) === 'direct'
    ? directConv('conv', x, filter, spec)
    : decomposedConv('conv', x, filter, spec);
}
