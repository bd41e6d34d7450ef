import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/rng.js';
import type { RelaxMode, SearchModel } from '../types.js';

/** Options of one benchmark training step. */
export interface BenchStepOptions {
  mode: RelaxMode;
  /** Gumbel temperature (default 1). */
  tau?: number;
  /** Noise source for `hard` / `soft` (default: a fixed-seed Rng per call site). */
  rng?: Rng;
  /** SGD learning rate for weights and alphas (default 0.025). */
  lr?: number;
}

/**
 * One supernet training step as the throughput benchmark measures it: forward in training mode,
 * softmax cross-entropy against one-hot `y`, gradients of every trainable weight and alpha
 * (`tf.variableGrads`), plain SGD update of those that received a gradient. Returns the loss.
 * Gradients must be registered (`initBackend` does it).
 */
export function trainStepForBench(
  model: SearchModel,
  x: tf.Tensor4D,
  y: tf.Tensor2D,
  opts: BenchStepOptions,
): number {
  const { mode, tau = 1, rng = new Rng(0), lr = 0.025 } = opts;
  const vars = [...model.weights.values(), ...model.alphas.values()];
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(y, model.forward(x, { mode, tau, training: true, rng })) as tf.Scalar,
      vars,
    );
    for (const v of vars) {
      const g = grads[v.name];
      if (g) v.assign(tf.sub(v, tf.mul(g, lr)));
    }
    return value.dataSync()[0];
  });
}
