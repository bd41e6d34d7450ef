import type { Rng } from '../../util/rng.js';
import type { RelaxMode, SearchModel } from '../types.js';
import { DEFAULT_TASK_ALPHA_LR, DEFAULT_TASK_STEPS, DEFAULT_TASK_WEIGHT_LR } from './constants.js';
import type { Batch } from './data.js';
import { disposeGrads, liveWeights, lossAndGrads } from './grads.js';
import { crossEntropy } from './loss.js';
import { createOptimizer } from './optimizer.js';
import { requireNonNegative, requireNonNegativeInt, requirePositive } from './validate.js';

/** Options of the FedMetaNAS task learner (the MAML inner loop). */
export interface TaskLearnerOptions {
  /** m: steps on the support set; default `DEFAULT_TASK_STEPS`. */
  steps?: number;
  /** eta_w; default `DEFAULT_TASK_WEIGHT_LR`. */
  weightLr?: number;
  /** eta_a; default `DEFAULT_TASK_ALPHA_LR`. */
  alphaLr?: number;
  /** Relaxation of the forward passes (`hard` or `soft` for FedMetaNAS). */
  relax: RelaxMode;
  /** Gumbel-Softmax temperature. */
  tau: number;
  /** Gumbel noise. */
  rng: Rng;
  /** Also adapt the architecture logits (default true). */
  adaptAlphas?: boolean;
}

/** Losses seen by the task learner. */
export interface TaskLearnerReport {
  /** Support loss before the first step. */
  firstLoss: number;
  /** Support loss of the last weight step's forward pass. */
  lastLoss: number;
  steps: number;
}

/** The mean cross-entropy of `model` on `batch` in training mode, as a loss closure. */
export function batchLoss(model: SearchModel, batch: Batch, relax: RelaxMode, tau: number, rng?: Rng) {
  return () => crossEntropy(model.forward(batch.x, { mode: relax, tau, training: true, rng }), batch.y);
}

/**
 * Run the task learner in place on `model`: `steps` times, w <- w - eta_w * grad_w L(support; w, alpha), then
 * alpha <- alpha - eta_a * grad_alpha L(support; w_updated, alpha). Plain SGD, weights of pruned candidates
 * and pruned logits untouched; each forward pass draws fresh Gumbel noise from `opts.rng`.
 */
export function adaptOnSupport(
  model: SearchModel,
  support: Batch,
  opts: TaskLearnerOptions,
): TaskLearnerReport {
  const fn = 'adaptOnSupport';
  const steps = opts.steps ?? DEFAULT_TASK_STEPS;
  const weightLr = opts.weightLr ?? DEFAULT_TASK_WEIGHT_LR;
  const alphaLr = opts.alphaLr ?? DEFAULT_TASK_ALPHA_LR;
  requireNonNegativeInt(fn, 'steps', steps);
  requireNonNegative(fn, 'weightLr', weightLr);
  requireNonNegative(fn, 'alphaLr', alphaLr);
  requirePositive(fn, 'tau', opts.tau);
  const adaptAlphas = opts.adaptAlphas ?? true;
  const weightSgd = createOptimizer({ kind: 'sgd', lr: weightLr }, fn);
  const alphaSgd = createOptimizer({ kind: 'sgd', lr: alphaLr }, fn);
  const weights = liveWeights(model);
  const loss = batchLoss(model, support, opts.relax, opts.tau, opts.rng);
  let firstLoss = NaN;
  let lastLoss = NaN;
  for (let i = 0; i < steps; i++) {
    const w = lossAndGrads(weights, loss);
    weightSgd.step(weights, w.grads);
    disposeGrads(w.grads);
    if (i === 0) firstLoss = w.loss;
    lastLoss = w.loss;
    if (adaptAlphas) {
      const a = lossAndGrads(model.alphas, loss);
      alphaSgd.step(model.alphas, a.grads, model.masks);
      disposeGrads(a.grads);
    }
  }
  weightSgd.dispose();
  alphaSgd.dispose();
  return { firstLoss, lastLoss, steps };
}
