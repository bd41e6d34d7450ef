import * as tf from '@tensorflow/tfjs-core';
import { BN_MOMENTUM } from '../space/layers/batch_norm.js';
import type { Rng } from '../../util/rng.js';
import type { RelaxMode, SearchModel } from '../types.js';
import { disposeBatch, type BatchSource } from './data.js';
import { requireNonNegativeInt, requirePositive, requirePositiveInt } from './validate.js';

/** Default number of recalibration batches before evaluating a network in inference mode. */
export const DEFAULT_RECALIBRATE_BATCHES = 10;
/** Default samples per recalibration batch (shared among the sources in proportion to their weights). */
export const DEFAULT_RECALIBRATE_BATCH_SIZE = 64;

/** Options of `recalibrateBatchNorm`. */
export interface RecalibrateOptions {
  /** Relaxation of the forward passes, the one the network is then evaluated with. */
  mode: RelaxMode;
  /** Temperature (only `hard` / `soft`); default 1. */
  tau?: number;
  /** Draws the batches (and Gumbel noise). */
  rng: Rng;
  /** Forward passes; 0 leaves the statistics as they are. Default `DEFAULT_RECALIBRATE_BATCHES`. */
  batches?: number;
  /** Samples per forward pass; default `DEFAULT_RECALIBRATE_BATCH_SIZE`. */
  batchSize?: number;
  /** Weight of each source in a batch (e.g. sample counts); default equal. */
  weights?: readonly number[];
}

/**
 * Recompute the BN running statistics of the network `mode` computes: forward passes in training mode over
 * fresh training batches (each mixing all `sources` in proportion to `weights`, so that non-IID peers
 * contribute like one pooled data set), and every running statistic those passes touch set to the exact
 * mean of its per-batch statistics (not a momentum average, so nothing of the stale value survives).
 * Statistics of candidates the passes do not compute, weights and logits are left unchanged.
 *
 * Why: in a Gumbel search a candidate's BN statistics only move when it is sampled (at high temperature
 * rarely, and while its weights were different), so the derived network's running statistics do not match
 * its weights and inference-mode accuracy collapses although the training loss falls.
 */
export function recalibrateBatchNorm(
  model: SearchModel,
  sources: readonly BatchSource[],
  opts: RecalibrateOptions,
): void {
  const fn = 'recalibrateBatchNorm';
  const batches = opts.batches ?? DEFAULT_RECALIBRATE_BATCHES;
  const batchSize = opts.batchSize ?? DEFAULT_RECALIBRATE_BATCH_SIZE;
  const tau = opts.tau ?? 1;
  requireNonNegativeInt(fn, 'batches', batches);
  requirePositiveInt(fn, 'batchSize', batchSize);
  requirePositive(fn, 'tau', tau);
  requirePositiveInt(fn, 'sources.length', sources.length);
  const sizes = splitSizes(batchSize, opts.weights ?? sources.map(() => 1));
  // Cumulative mean of the batch statistics, kept in the buffers between passes: a pass moves a buffer from
  // c to c + m (b - c), so its batch statistic is b = c + (after - c) / m.
  const mean = new Map<string, tf.Tensor>();
  try {
    for (let i = 1; i <= batches; i++) {
      const parts = sources.flatMap((s, k) => (sizes[k] > 0 ? [s.nextBatch(opts.rng, sizes[k])] : []));
      const before = new Map([...model.buffers].map(([name, v]) => [name, v.clone()]));
      try {
        tf.tidy(() => {
          const x = parts.length === 1 ? parts[0].x : tf.concat(parts.map((p) => p.x));
          model.forward(x, { mode: opts.mode, tau, training: true, rng: opts.rng });
        });
      } finally {
        parts.forEach(disposeBatch);
      }
      for (const [name, v] of model.buffers) {
        const prev = before.get(name) as tf.Tensor;
        const next = tf.tidy(() => {
          const batch = tf.add(prev, tf.div(tf.sub(v, prev), BN_MOMENTUM));
          const c = mean.get(name);
          // Untouched buffers (candidates not computed) keep their value: batch == prev.
          return c === undefined ? batch : tf.add(c, tf.div(tf.sub(batch, c), i));
        });
        mean.get(name)?.dispose();
        mean.set(name, next);
        v.assign(next);
        prev.dispose();
      }
    }
  } finally {
    for (const t of mean.values()) t.dispose();
  }
}

/** `total` split among sources in proportion to `weights` (largest remainders), every size >= 0. */
function splitSizes(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const sizes = raw.map(Math.floor);
  const order = raw.map((r, k) => [r - Math.floor(r), k] as const).sort((a, b) => b[0] - a[0]);
  for (let left = total - sizes.reduce((s, n) => s + n, 0), j = 0; left > 0; left--, j++) {
    sizes[order[j % order.length][1]] += 1;
  }
  return sizes;
}
