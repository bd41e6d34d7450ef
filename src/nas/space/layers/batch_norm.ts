import * as tf from '@tensorflow/tfjs-core';
import type { ParamScope } from '../params.js';
import { channelAffine, channelAffineRaw, channelMean } from './channel_affine.js';

/** BN epsilon (PyTorch default). */
export const BN_EPS = 1e-5;
/** BN running-statistics momentum (PyTorch default). */
export const BN_MOMENTUM = 0.1;

type Args = (tf.Tensor | tf.GradSaveFunc)[];

/** Batch statistics of `x`: `xhat = (x - mean) / sqrt(var + eps)` and `1 / sqrt(var + eps)`. */
interface Normalized {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  invStd: tf.Tensor1D;
  xhat: tf.Tensor4D;
}

function normalize(x: tf.Tensor4D): Normalized {
  const mean = channelMean(x);
  const variance = tf.relu(tf.sub(channelMean(tf.square(x)), tf.square(mean))) as tf.Tensor1D;
  const invStd = tf.rsqrt(tf.add(variance, BN_EPS)) as tf.Tensor1D;
  const xhat = channelAffineRaw(x, invStd, tf.mul(tf.neg(mean), invStd));
  return { mean, variance, invStd, xhat };
}

/**
 * Closed-form BN backward for `y = scale * xhat + shift` (`k = scale / std`):
 * `dx = k * (dy - mean(dy)) - k * mean(dy * xhat) * xhat`, as two fused per-channel convs and an add.
 */
function inputGrad(
  dy: tf.Tensor4D,
  xhat: tf.Tensor4D,
  k: tf.Tensor1D,
  meanDy: tf.Tensor1D,
  meanDyXhat: tf.Tensor1D,
) {
  const negK = tf.neg(k);
  return tf.add(
    channelAffineRaw(dy, k, tf.mul(negK, meanDy)),
    channelAffineRaw(xhat, tf.mul(negK, meanDyXhat)),
  );
}
/**
 * 2D batch normalisation over NHWC channels. Buffers `<prefix>.running_mean` / `.running_var`
 * (PyTorch names); weights `<prefix>.weight` / `.bias` only when affine.
 *
 * `apply(x, training, coef)` returns `coef * BN(x)`: an op's mixing coefficient is folded into its last
 * BN for free (no extra pass over the activations forward or backward).
 *
 * Training mode is a custom gradient: statistics from average pools of `x` and `x^2` over all positions
 * (streaming, no transposes; variance E[x^2] - E[x]^2 clamped at 0), normalisation as one fused 1x1
 * depthwise conv with bias, and the closed-form backward (`inputGrad`; `dscale = N mean(dy * xhat)`,
 * `dshift = N mean(dy)`). Running statistics are updated as in PyTorch (momentum 0.1, unbiased variance).
 */
export class BatchNorm {
  private readonly runningMean: tf.Variable;
  private readonly runningVar: tf.Variable;
  private readonly gamma: tf.Variable | undefined;
  private readonly beta: tf.Variable | undefined;
  /** `BN(x)` with batch statistics. */
  private readonly trainPlain: (x: tf.Tensor4D) => tf.Tensor4D;
  /** `scale * BN(x) + shift` with batch statistics. */
  private readonly trainAffine: (x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D) => tf.Tensor4D;

  constructor(
    scope: ParamScope,
    private readonly channels: number,
    affine: boolean,
  ) {
    this.runningMean = scope.buffer('running_mean', [channels], 0);
    this.runningVar = scope.buffer('running_var', [channels], 1);
    this.gamma = affine ? scope.constant('weight', [channels], 1) : undefined;
    this.beta = affine ? scope.constant('bias', [channels], 0) : undefined;
    this.trainPlain = tf.customGrad((...args: Args) => {
      const [x, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
      const { mean, variance, invStd, xhat } = normalize(x);
      this.updateRunning(mean, variance, x.size / channels);
      save([xhat, invStd]);
      return {
        value: xhat,
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [xh, inv] = saved as [tf.Tensor4D, tf.Tensor1D];
          return inputGrad(dy, xh, inv, channelMean(dy), channelMean(tf.mul(dy, xh)));
        },
      };
    });
    this.trainAffine = tf.customGrad((...args: Args) => {
      const [x, scale, shift, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const n = x.size / channels;
      const { mean, variance, invStd, xhat } = normalize(x);
      this.updateRunning(mean, variance, n);
      save([xhat, invStd, scale]);
      const a = tf.mul(scale, invStd);
      return {
        value: channelAffineRaw(x, a, tf.sub(shift, tf.mul(a, mean))),
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [xh, inv, s] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
          const meanDy = channelMean(dy);
          const meanDyXhat = channelMean(tf.mul(dy, xh));
          const dx = inputGrad(dy, xh, tf.mul(s, inv) as tf.Tensor1D, meanDy, meanDyXhat);
          return [dx, tf.mul(meanDyXhat, n), tf.mul(meanDy, n)];
        },
      };
    });
  }

  private updateRunning(mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
    const m = BN_MOMENTUM;
    const unbiased = n > 1 ? n / (n - 1) : 1;
    // running += m * (batch - running)
    this.runningMean.assign(tf.add(this.runningMean, tf.mul(tf.sub(mean, this.runningMean), m)));
    this.runningVar.assign(
      tf.add(this.runningVar, tf.mul(tf.sub(tf.mul(variance, unbiased), this.runningVar), m)),
    );
  }

  /**
   * `coef * BN(x)`; `training` selects batch statistics (and updates the running ones), otherwise the
   * running statistics are used. `coef` is an optional scalar (a candidate's mixing weight).
   */
  apply(x: tf.Tensor4D, training: boolean, coef?: tf.Scalar | null): tf.Tensor4D {
    if (training && !coef && !this.gamma) return this.trainPlain(x);
    const c = this.channels;
    let scale = (this.gamma as tf.Tensor1D | undefined) ?? (tf.fill([c], 1) as tf.Tensor1D);
    let shift = (this.beta as tf.Tensor1D | undefined) ?? (tf.zeros([c]) as tf.Tensor1D);
    if (coef) {
      scale = tf.mul(scale, coef);
      if (this.beta) shift = tf.mul(shift, coef);
    }
    if (training) return this.trainAffine(x, scale, shift);
    const a = tf.mul(scale, tf.rsqrt(tf.add(this.runningVar, BN_EPS))) as tf.Tensor1D;
    return channelAffine(x, a, tf.sub(shift, tf.mul(a, this.runningMean)));
  }
}
