import * as tf from '@tensorflow/tfjs-core';
import { depthwiseConv2d } from '../conv.js';
import { BatchNorm } from '../layers/batch_norm.js';
import { pointwiseConv } from '../layers/pointwise.js';
import type { OpFactory } from './types.js';

/**
 * DARTS `SepConv(C, C, k, stride, (k-1)/2)`, non-affine: (ReLU, depthwise k x k with the edge's stride,
 * 1x1, BN) then (ReLU, depthwise k x k stride 1, 1x1, BN). Weights `dw1, pw1, bn1, dw2, pw2, bn2`.
 */
export function sepConv(k: number): OpFactory {
  const pad = (k - 1) / 2;
  return ({ scope, channels: c, stride }) => {
    const dw1 = scope.convFilter('dw1', [k, k, c, 1]) as tf.Tensor4D;
    const pw1 = scope.convFilter('pw1', [1, 1, c, c]) as tf.Tensor4D;
    const bn1 = new BatchNorm(scope.child('bn1'), c, false);
    const dw2 = scope.convFilter('dw2', [k, k, c, 1]) as tf.Tensor4D;
    const pw2 = scope.convFilter('pw2', [1, 1, c, c]) as tf.Tensor4D;
    const bn2 = new BatchNorm(scope.child('bn2'), c, false);
    return {
      apply: (x, training, coef) => {
        const h = depthwiseConv2d(tf.relu(x), dw1, { strides: stride, pad, dilations: 1 });
        const y = bn1.apply(pointwiseConv(h, pw1), training);
        const h2 = depthwiseConv2d(tf.relu(y), dw2, { strides: 1, pad, dilations: 1 });
        return bn2.apply(pointwiseConv(h2, pw2), training, coef);
      },
    };
  };
}
