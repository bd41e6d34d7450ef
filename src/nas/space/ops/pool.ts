import * as tf from '@tensorflow/tfjs-core';
import { avgPool3x3 } from '../layers/avg_pool.js';
import { BatchNorm } from '../layers/batch_norm.js';
import type { OpFactory } from './types.js';

/**
 * 3x3 pooling with padding 1 and the edge's stride, followed (as in the DARTS search `MixedOp`) by a
 * non-affine BN (`<op>.bn`). Max pooling ignores padding; average pooling excludes it from the count
 * (PyTorch `count_include_pad=False`), which is tfjs' semantics.
 */
export function pool3x3(kind: 'max' | 'avg'): OpFactory {
  return ({ scope, channels, stride }) => {
    const bn = new BatchNorm(scope.child('bn'), channels, false);
    return {
      apply: (x, training, coef) =>
        bn.apply(kind === 'max' ? tf.maxPool(x, 3, stride, 1) : avgPool3x3(x, stride), training, coef),
    };
  };
}
