import type * as tf from '@tensorflow/tfjs-core';
import { convSpec, type ConvOptions } from './conv_args.js';
import { decomposedConv } from './decompose.js';
import { directConv } from './direct.js';
import { resolveConvStrategy } from './strategy.js';

/**
 * Depthwise 2-D convolution, NHWC, filter `[kh, kw, inC, multiplier]`, with any stride and
 * dilation (DARTS reduction cells use stride 2 with dilation 2) and gradients for `x` and
 * `filter` on every backend.
 *
 * @throws ConvArgumentError on a wrong rank, dtype, channel count, stride, dilation or padding.
 */
export function depthwiseConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, options: ConvOptions = {}): tf.Tensor4D {
  const spec = convSpec('depthwiseConv2d', x, filter, options, true);
  return resolveConvStrategy(options.strategy) === 'direct'
    ? directConv('depthwise', x, filter, spec)
    : decomposedConv('depthwise', x, filter, spec);
}
