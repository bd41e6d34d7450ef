import * as tf from '@tensorflow/tfjs-core';
import { FactorizedReduce } from '../layers/factorized_reduce.js';
import type { OpFactory } from './types.js';

/** DARTS `skip_connect`: identity on stride 1, `FactorizedReduce(C, C)` (non-affine) on stride 2. */
export const skipConnect: OpFactory = ({ scope, channels, stride }) => {
  if (stride === 1) return { apply: (x, _training, coef) => (coef ? (tf.mul(x, coef) as tf.Tensor4D) : x) };
  const fr = new FactorizedReduce(scope, channels, channels, false);
  return { apply: (x, training, coef) => fr.apply([x], training, coef) };
};
