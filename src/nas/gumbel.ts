import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';
import { GumbelError } from './errors.js';

/**
 * Gumbel-Softmax helpers (GDAS style). Pure JS functions work on plain arrays with a 0/1 `mask`
 * (0 = pruned: excluded, probability 0); the tensor helpers build the differentiable parts.
 * Note softmax((log_softmax(a) + g) / tau) = softmax((a + g) / tau), so logits are used directly.
 */

function checkTau(fn: string, tau: number): void {
  if (!(tau > 0) || !Number.isFinite(tau)) {
    throw new GumbelError(`Error in ${fn}: tau must be a finite number > 0, found ${tau}`);
  }
}

function checkMask(fn: string, n: number, mask: ArrayLike<number> | undefined): void {
  if (mask === undefined) return;
  if (mask.length !== n) {
    throw new GumbelError(`Error in ${fn}: mask must have length ${n}, found ${mask.length}`);
  }
  let alive = 0;
  for (let i = 0; i < n; i++) if (mask[i] !== 0) alive++;
  if (alive === 0) throw new GumbelError(`Error in ${fn}: mask must keep at least one candidate, found none`);
}

/** `n` independent Gumbel(0, 1) draws from `rng`. */
export function gumbelNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.gumbel();
  return out;
}

/** Index of the largest live value (first one on ties). */
export function maskedArgmax(values: ArrayLike<number>, mask?: ArrayLike<number>): number {
  checkMask('maskedArgmax', values.length, mask);
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    if (best < 0 || values[i] > values[best]) best = i;
  }
  return best;
}

/** softmax(logits / tau) over the live entries; pruned entries get probability 0. */
export function maskedSoftmax(logits: ArrayLike<number>, mask?: ArrayLike<number>, tau = 1): Float64Array {
  checkTau('maskedSoftmax', tau);
  checkMask('maskedSoftmax', logits.length, mask);
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (!(mask && mask[i] === 0)) max = Math.max(max, logits[i] / tau);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    if (mask && mask[i] === 0) continue;
    out[i] = Math.exp(logits[i] / tau - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** A Gumbel-Softmax sample: relaxed probabilities and the hard (arg-max) index. */
export interface GumbelSample {
  probs: Float64Array;
  index: number;
}

/**
 * Reference Gumbel-Softmax in JS: probs = softmax((alpha + g) / tau) over live entries, index = the arg-max
 * of alpha + g (the straight-through sample, independent of tau).
 */
export function gumbelSoftmax(
  alpha: ArrayLike<number>,
  noise: ArrayLike<number>,
  tau: number,
  mask?: ArrayLike<number>,
): GumbelSample {
  if (noise.length !== alpha.length) {
    throw new GumbelError(
      `Error in gumbelSoftmax: noise must have length ${alpha.length}, found ${noise.length}`,
    );
  }
  const z = Array.from(alpha, (a, i) => a + noise[i]);
  return { probs: maskedSoftmax(z, mask, tau), index: maskedArgmax(z, mask) };
}

/**
 * Noise-plus-mask constant for a row of logits: the Gumbel noise (or 0 when `noise` is undefined) on
 * live entries and -Infinity on pruned ones, so softmax gives them exactly 0 and 0 gradient.
 */
export function maskedOffsets(
  n: number,
  mask: ArrayLike<number> | undefined,
  noise: ArrayLike<number> | undefined,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mask && mask[i] === 0 ? -Infinity : noise ? noise[i] : 0;
  return out;
}

/** softmax((logits + offsets) / tau) along the last axis (differentiable in `logits`). */
export function relaxedProbs(logits: tf.Tensor, offsets: tf.Tensor, tau: number): tf.Tensor {
  checkTau('relaxedProbs', tau);
  const z = tf.add(logits, offsets);
  return tf.softmax(tau === 1 ? z : tf.mul(z, 1 / tau));
}

/**
 * Straight-through estimator: forward value `hard` (e.g. a one-hot, or ones for selected entries),
 * gradient passed to `soft` unchanged. Equals `hard - stop_gradient(soft) + soft` exactly in value.
 */
export function straightThrough(soft: tf.Tensor, hard: Float32Array): tf.Tensor {
  if (hard.length !== soft.size) {
    throw new GumbelError(
      `Error in straightThrough: hard must have ${soft.size} values, found ${hard.length}`,
    );
  }
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tensor(hard, (args[0] as tf.Tensor).shape),
    gradFunc: (dy: tf.Tensor) => dy,
  }));
  return f(soft);
}
