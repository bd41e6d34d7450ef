import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '../conv.js';
import type { ParamScope } from '../params.js';
import { BatchNorm } from './batch_norm.js';

/**
 * DARTS `FactorizedReduce(C_in, C_out)`: ReLU, then two 1x1 stride-2 convs (`conv_1` on x, `conv_2` on x
 * shifted by one pixel), each to C_out/2 channels, concatenated, BN. Computed as ONE 2x2 stride-2 'valid'
 * convolution whose filter holds `conv_1` at tap (0,0) for the first half of the outputs and `conv_2` at
 * tap (1,1) for the second half (zeros elsewhere): exact for even sizes, no slicing or concatenation of
 * activations. The input is given as channel parts whose concatenation is never materialised (one
 * convolution per part with its slice of the filter, summed). Needs even input sizes and even C_out.
 */
export class FactorizedReduce {
  private readonly conv1: tf.Variable;
  private readonly conv2: tf.Variable;
  private readonly bn: BatchNorm;

  constructor(scope: ParamScope, cIn: number, cOut: number, affine: boolean) {
    this.conv1 = scope.convFilter('conv_1', [1, 1, cIn, cOut / 2]);
    this.conv2 = scope.convFilter('conv_2', [1, 1, cIn, cOut / 2]);
    this.bn = new BatchNorm(scope.child('bn'), cOut, affine);
  }

  /** The combined `[2, 2, C_in, C_out]` filter. */
  private filter(): tf.Tensor4D {
    const half = this.conv1.shape[3] as number;
    const w1 = tf.pad(this.conv1 as tf.Tensor4D, [
      [0, 1],
      [0, 1],
      [0, 0],
      [0, half],
    ]);
    const w2 = tf.pad(this.conv2 as tf.Tensor4D, [
      [1, 0],
      [1, 0],
      [0, 0],
      [half, 0],
    ]);
    return tf.add(w1, w2);
  }

  /** `coef * FR(concat(parts))` (`coef` null = 1). */
  apply(parts: tf.Tensor4D[], training: boolean, coef: tf.Scalar | null = null): tf.Tensor4D {
    const filter = this.filter();
    const cOut = filter.shape[3];
    let offset = 0;
    const ys = parts.map((p) => {
      const c = p.shape[3];
      const f = parts.length === 1 ? filter : tf.slice(filter, [0, 0, offset, 0], [2, 2, c, cOut]);
      offset += c;
      return conv2d(tf.relu(p), f, { strides: 2, pad: 0, dilations: 1 });
    });
    return this.bn.apply(ys.length === 1 ? ys[0] : tf.addN(ys), training, coef);
  }
}
