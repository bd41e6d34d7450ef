import type { Rng } from '../../util/rng.js';
import type { RelaxMode, SearchModel } from '../types.js';
import {
  DEFAULT_SUPERVISED_BATCH_SIZE,
  DEFAULT_SUPERVISED_GRAD_CLIP,
  DEFAULT_SUPERVISED_LR,
  DEFAULT_SUPERVISED_MOMENTUM,
  DEFAULT_SUPERVISED_WEIGHT_DECAY,
} from './constants.js';
import { disposeBatch, type BatchSource } from './data.js';
import type { LocalUpdateReport } from './fedmetanas.js';
import { clipGradNorm, disposeGrads, liveWeights, lossAndGrads } from './grads.js';
import { crossEntropy } from './loss.js';
import { createOptimizer } from './optimizer.js';
import { requireNonNegative, requirePositiveInt } from './validate.js';

/** Options of plain supervised local training. */
export interface SupervisedOptions {
  /** SGD steps, one fresh batch each. */
  steps: number;
  rng: Rng;
  /** Default `DEFAULT_SUPERVISED_BATCH_SIZE`. */
  batchSize?: number;
  /** This round's learning rate (apply any schedule before calling); default `DEFAULT_SUPERVISED_LR`. */
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  /** Global gradient-norm clip, 0 = none; default `DEFAULT_SUPERVISED_GRAD_CLIP`. */
  gradClip?: number;
  /** Default `discrete`: the derived architecture (arg-max candidates) of the model. */
  mode?: RelaxMode;
}

/**
 * Plain supervised training of the weights only (FedAvg on a fixed architecture, FedNAS's retraining
 * stage), in place on `model`: SGD with momentum, rebuilt on every call (every round).
 */
export function supervisedLocalUpdate(
  model: SearchModel,
  data: BatchSource,
  opts: SupervisedOptions,
): LocalUpdateReport {
  const fn = 'supervisedLocalUpdate';
  const batchSize = opts.batchSize ?? DEFAULT_SUPERVISED_BATCH_SIZE;
  const gradClip = opts.gradClip ?? DEFAULT_SUPERVISED_GRAD_CLIP;
  requirePositiveInt(fn, 'steps', opts.steps);
  requirePositiveInt(fn, 'batchSize', batchSize);
  requireNonNegative(fn, 'gradClip', gradClip);
  const opt = createOptimizer(
    {
      kind: 'sgd',
      lr: opts.lr ?? DEFAULT_SUPERVISED_LR,
      momentum: opts.momentum ?? DEFAULT_SUPERVISED_MOMENTUM,
      weightDecay: opts.weightDecay ?? DEFAULT_SUPERVISED_WEIGHT_DECAY,
    },
    fn,
  );
  const batchRng = opts.rng.fork('batches');
  const fwd = {
    mode: opts.mode ?? ('discrete' as const),
    tau: 1,
    training: true,
    rng: opts.rng.fork('gumbel'),
  };
  const weights = liveWeights(model);
  let samples = 0;
  let loss = 0;
  try {
    for (let s = 0; s < opts.steps; s++) {
      const batch = data.nextBatch(batchRng, batchSize);
      try {
        samples += batch.y.shape[0];
        const g = lossAndGrads(weights, () => crossEntropy(model.forward(batch.x, fwd), batch.y));
        if (gradClip > 0) clipGradNorm(g.grads, gradClip);
        opt.step(weights, g.grads);
        disposeGrads(g.grads);
        loss += g.loss;
      } finally {
        disposeBatch(batch);
      }
    }
  } finally {
    opt.dispose();
  }
  return { steps: opts.steps, samples, trainLoss: loss / opts.steps };
}
