import * as tf from '@tensorflow/tfjs-core';
import { depthwiseConv2d } from '../conv.js';
import { BatchNorm } from '../layers/batch_norm.js';
import { pointwiseConv } from '../layers/pointwise.js';
import type { OpFactory } from './types.js';

/**
 * DARTS `DilConv(C, C, k, stride, k-1, dilation 2)`, non-affine: ReLU, depthwise k x k dilation 2 with
 * the edge's stride, 1x1, BN. Weights `dw, pw, bn`.
 */
export function dilConv(k: number): OpFactory {
  const pad = k - 1;
  return ({ scope, channels: c, stride }) => {
    const dw = scope.convFilter('dw', [k, k, c, 1]) as tf.Tensor4D;
    const pw = scope.convFilter('pw', [1, 1, c, c]) as tf.Tensor4D;
    const bn = new BatchNorm(scope.child('bn'), c, false);
    return {
      apply: (x, training, coef) => {
        const h = depthwiseConv2d(tf.relu(x), dw, { strides: stride, pad, dilations: 2 });
        return bn.apply(pointwiseConv(h, pw), training, coef);
      },
    };
  };
}
