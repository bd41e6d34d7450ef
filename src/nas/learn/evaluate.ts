import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { RelaxMode, SearchModel } from '../types.js';
import { DEFAULT_EVAL_BATCH_SIZE } from './constants.js';
import { disposeBatch, type TestSource } from './data.js';
import { correctCount, crossEntropy } from './loss.js';
import { requirePositive, requirePositiveInt } from './validate.js';

/** Accuracy and mean loss over a set of samples. */
export interface EvalResult {
  accuracy: number;
  loss: number;
  count: number;
}

/** Options of `evaluate`. */
export interface EvalOptions {
  /** Relaxation used for inference (`discrete` = derived architecture, `softmax` = supernet mixture). */
  mode: RelaxMode;
  /** Temperature (only `hard` / `soft`); default 1. */
  tau?: number;
  /** Gumbel noise (only `hard` / `soft`). */
  rng?: Rng;
  /** Default `DEFAULT_EVAL_BATCH_SIZE`. */
  batchSize?: number;
}

/**
 * Accuracy and mean cross-entropy of `model` on every test sample of `data`, in inference mode (running
 * statistics, no updates), batch by batch. An empty test split gives accuracy and loss NaN and count 0.
 */
export function evaluate(model: SearchModel, data: TestSource, opts: EvalOptions): EvalResult {
  const fn = 'evaluate';
  const batchSize = opts.batchSize ?? DEFAULT_EVAL_BATCH_SIZE;
  const tau = opts.tau ?? 1;
  requirePositiveInt(fn, 'batchSize', batchSize);
  requirePositive(fn, 'tau', tau);
  let correct = 0;
  let lossSum = 0;
  let count = 0;
  for (const batch of data.testBatches(batchSize)) {
    try {
      const n = batch.y.shape[0];
      const [c, l] = tf.tidy(() => {
        const logits = model.forward(batch.x, { mode: opts.mode, tau, training: false, rng: opts.rng });
        return [correctCount(logits, batch.y), crossEntropy(logits, batch.y).dataSync()[0]];
      });
      correct += c;
      lossSum += l * n;
      count += n;
    } finally {
      disposeBatch(batch);
    }
  }
  return count === 0
    ? { accuracy: NaN, loss: NaN, count }
    : { accuracy: correct / count, loss: lossSum / count, count };
}
