import * as tf from '@tensorflow/tfjs-core';
import type { ParamScope } from '../params.js';
import { channelAffine, channelMean } from './channel_affine.js';

/** BN epsilon (PyTorch default). */
export const BN_EPS = 1e-5;
/** BN running-statistics momentum (PyTorch default). */
export const BN_MOMENTUM = 0.1;

type BnTrain = (x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D) => tf.Tensor4D;

/**
 * 2D batch normalisation over NHWC channels. Buffers `<prefix>.running_mean` / `.running_var`
 * (PyTorch names); weights `<prefix>.weight` / `.bias` only when affine.
 *
 * `apply(x, training, coef)` returns `coef * BN(x)`: an op's mixing coefficient is folded into its last
 * BN for free (no extra pass over the activations forward or backward).
 *
 * Training mode is one custom gradient on `(x, scale, shift)` with `y = scale * xhat + shift`:
 * - statistics from global average pools of `x` and `x^2` (streaming, no transposes; variance
 *   E[x^2] - E[x]^2 clamped at 0), normalisation as one fused 1x1 depthwise conv with bias;
 * - backward in closed form, `dx = scale / std * (dy - mean(dy) - xhat * mean(dy * xhat))`,
 *   `dscale = N mean(dy * xhat)`, `dshift = N mean(dy)`, with two more pools and two fused convs.
 * Running statistics are updated as in PyTorch (momentum 0.1, unbiased variance).
 */
export class BatchNorm {
  private readonly runningMean: tf.Variable;
  private readonly runningVar: tf.Variable;
  private readonly gamma: tf.Variable | undefined;
  private readonly beta: tf.Variable | undefined;
  private readonly train: BnTrain;
  /** True while `apply` runs a BN whose output is `xhat` itself (no affine, no coefficient). */
  private plain = false;

  constructor(
    scope: ParamScope,
    private readonly channels: number,
    affine: boolean,
  ) {
    this.runningMean = scope.buffer('running_mean', [channels], 0);
    this.runningVar = scope.buffer('running_var', [channels], 1);
    this.gamma = affine ? scope.constant('weight', [channels], 1) : undefined;
    this.beta = affine ? scope.constant('bias', [channels], 0) : undefined;
    this.train = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, scale, shift, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const n = x.size / channels;
      const mean = channelMean(x);
      const variance = tf.relu(tf.sub(channelMean(tf.square(x)), tf.square(mean))) as tf.Tensor1D;
      this.updateRunning(mean, variance, n);
      const invStd = tf.rsqrt(tf.add(variance, BN_EPS)) as tf.Tensor1D;
      const xhat = channelAffine(x, invStd, tf.neg(tf.mul(mean, invStd)));
      save([xhat, invStd, scale]);
      const a = tf.mul(scale, invStd) as tf.Tensor1D;
      const value = this.plain ? xhat : channelAffine(x, a, tf.sub(shift, tf.mul(a, mean)));
      return {
        value,
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [xh, inv, s] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
          const meanDy = channelMean(dy);
          const meanDyXhat = channelMean(tf.mul(dy, xh));
          const k = tf.mul(s, inv) as tf.Tensor1D;
          const dx = tf.add(
            channelAffine(dy, k, tf.neg(tf.mul(k, meanDy))),
            channelAffine(xh, tf.neg(tf.mul(k, meanDyXhat))),
          );
          return [dx, tf.mul(meanDyXhat, n), tf.mul(meanDy, n)];
        },
      };
    });
  }

  private updateRunning(mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
    const m = BN_MOMENTUM;
    const unbiased = n > 1 ? n / (n - 1) : 1;
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
    this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, m * unbiased)));
  }

  /**
   * `coef * BN(x)`; `training` selects batch statistics (and updates the running ones), otherwise the
   * running statistics are used. `coef` is an optional scalar (a candidate's mixing weight).
   */
  apply(x: tf.Tensor4D, training: boolean, coef?: tf.Scalar | null): tf.Tensor4D {
    const c = this.channels;
    let scale: tf.Tensor1D = (this.gamma as tf.Tensor1D | undefined) ?? tf.ones([c]);
    let shift: tf.Tensor1D = (this.beta as tf.Tensor1D | undefined) ?? tf.zeros([c]);
    if (coef) {
      scale = tf.mul(scale, coef);
      shift = tf.mul(shift, coef);
    }
    if (training) {
      this.plain = !coef && !this.gamma;
      return this.train(x, scale, shift);
    }
    const a = tf.mul(scale, tf.rsqrt(tf.add(this.runningVar, BN_EPS))) as tf.Tensor1D;
    const filter = tf.reshape(a, [1, 1, c, 1]) as tf.Tensor4D;
    const bias = tf.sub(shift, tf.mul(a, this.runningMean)) as tf.Tensor1D;
    return tf.fused.depthwiseConv2d({ x, filter, strides: 1, pad: 'valid', bias });
  }
}
