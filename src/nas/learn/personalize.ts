import type { Rng } from '../../util/rng.js';
import type { SearchModel } from '../types.js';
import { DEFAULT_PERSONALIZATION_STEPS, DEFAULT_SUPPORT_SIZE } from './constants.js';
import { disposeBatch, type BatchSource, type TestSource } from './data.js';
import { evaluate, type EvalOptions, type EvalResult } from './evaluate.js';
import { liveWeights } from './grads.js';
import { disposeSnapshot, restoreSnapshot, takeSnapshot } from './snapshot.js';
import { adaptOnSupport, type TaskLearnerOptions } from './task-learner.js';
import { requireNonNegativeInt, requirePositiveInt } from './validate.js';

/** Options of `personalize`. */
export interface PersonalizeOptions {
  /** k: task-learner steps, each on a fresh batch of the peer's data; default `DEFAULT_PERSONALIZATION_STEPS`. */
  steps?: number;
  /** Samples per adaptation batch; default `DEFAULT_SUPPORT_SIZE`. */
  batchSize?: number;
  /** Relaxation and temperature of the adaptation steps. */
  relax: TaskLearnerOptions['relax'];
  tau: number;
  /** Learning rates of the task learner. */
  weightLr?: number;
  alphaLr?: number;
  /** Also adapt the logits (default true). */
  adaptAlphas?: boolean;
  rng: Rng;
  /** How the adapted model is evaluated. */
  eval: EvalOptions;
}

/** Accuracy of a peer's test split before and after personalization. */
export interface PersonalizeResult {
  before: EvalResult;
  after: EvalResult;
}

/**
 * Personalization: evaluate the (global) model on the peer's test split, adapt it with k task-learner steps
 * on the peer's own training data, evaluate again, then put every weight, logit and buffer back, so the
 * model is left exactly as it was (adaptation happens on a copy of its values).
 */
export function personalize(
  model: SearchModel,
  data: BatchSource & TestSource,
  opts: PersonalizeOptions,
): PersonalizeResult {
  const fn = 'personalize';
  const steps = opts.steps ?? DEFAULT_PERSONALIZATION_STEPS;
  const batchSize = opts.batchSize ?? DEFAULT_SUPPORT_SIZE;
  requireNonNegativeInt(fn, 'steps', steps);
  requirePositiveInt(fn, 'batchSize', batchSize);
  const before = evaluate(model, data, opts.eval);
  const weights = liveWeights(model);
  const snaps = [takeSnapshot(weights), takeSnapshot(model.alphas), takeSnapshot(model.buffers)];
  const batchRng = opts.rng.fork('batches');
  const noiseRng = opts.rng.fork('gumbel');
  try {
    for (let s = 0; s < steps; s++) {
      const batch = data.nextBatch(batchRng, batchSize);
      try {
        adaptOnSupport(model, batch, {
          steps: 1,
          weightLr: opts.weightLr,
          alphaLr: opts.alphaLr,
          relax: opts.relax,
          tau: opts.tau,
          rng: noiseRng,
          adaptAlphas: opts.adaptAlphas,
        });
      } finally {
        disposeBatch(batch);
      }
    }
    return { before, after: evaluate(model, data, opts.eval) };
  } finally {
    restoreSnapshot(weights, snaps[0]);
    restoreSnapshot(model.alphas, snaps[1]);
    restoreSnapshot(model.buffers, snaps[2]);
    for (const s of snaps) disposeSnapshot(s);
  }
}
