import * as tf from '@tensorflow/tfjs-core';
import type { ParamScope } from '../params.js';
import { BatchNorm } from './batch_norm.js';
import { pointwiseConvParts } from './pointwise.js';

/**
 * DARTS `ReLUConvBN(C_in, C_out, 1, 1, 0)`: ReLU, 1x1 conv (`<prefix>.conv`), BN (`<prefix>.bn`). The input
 * is given as channel parts (a cell's nodes) whose concatenation is never materialised.
 */
export class ReluConv1x1Bn {
  private readonly filter: tf.Variable;
  private readonly bn: BatchNorm;

  constructor(scope: ParamScope, cIn: number, cOut: number, affine: boolean) {
    this.filter = scope.convFilter('conv', [1, 1, cIn, cOut]);
    this.bn = new BatchNorm(scope.child('bn'), cOut, affine);
  }

  apply(parts: tf.Tensor4D[], training: boolean): tf.Tensor4D {
    const relu = parts.map((p) => tf.relu(p));
    return this.bn.apply(pointwiseConvParts(relu, this.filter as tf.Tensor4D), training);
  }
}
