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
 * Gradients must be registered (e.g. by importing `@tensorflow/tfjs-layers` once).
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
      () => tf.losses.softmaxCrossEntropy(y, model.forward(x, { mode, tau, training: true, rng })) as tf.Scalar,
      vars,
    );
    for (const v of vars) {
      const g = grads[v.name];
      if (g) v.assign(tf.sub(v, tf.mul(g, lr)));
    }
    return value.dataSync()[0];
  });
}

/** Result of `measureTrainThroughput`. */
export interface Throughput {
  imagesPerSecond: number;
  msPerStep: number;
  /** Milliseconds of every timed step. */
  steps: number[];
}

/**
 * Time `steps` training steps (after `warmup` untimed ones) on random inputs of `batch` images and
 * report images per second (from the median step, robust to a busy machine).
 */
export function measureTrainThroughput(
  model: SearchModel,
  shape: { batch: number; imageSize: number; inChannels: number; numClasses: number },
  opts: BenchStepOptions & { steps?: number; warmup?: number; seed?: number },
): Throughput {
  const { steps = 5, warmup = 1, seed = 0 } = opts;
  const rng = new Rng(seed);
  const { batch, imageSize: s, inChannels: c, numClasses: k } = shape;
  const x = tf.tensor4d(Float32Array.from({ length: batch * s * s * c }, () => rng.normal()), [batch, s, s, c]);
  const labels = Int32Array.from({ length: batch }, () => rng.int(k));
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat() as tf.Tensor2D);
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const t0 = performance.now();
      trainStepForBench(model, x, y, { ...opts, rng });
      if (i >= warmup) times.push(performance.now() - t0);
    }
  } finally {
    x.dispose();
    y.dispose();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { imagesPerSecond: (batch * 1000) / median, msPerStep: median, steps: times };
}
