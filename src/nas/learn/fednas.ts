import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { SearchModel } from '../types.js';
import {
  FEDNAS_ALPHA_OPTIMIZER,
  FEDNAS_BATCH_SIZE,
  FEDNAS_GRAD_CLIP,
  FEDNAS_LAMBDA_TRAIN,
  FEDNAS_LAMBDA_VAL,
  FEDNAS_MOMENTUM,
  FEDNAS_WEIGHT_DECAY,
  FEDNAS_WEIGHT_LR,
  FEDNAS_WEIGHT_LR_MIN,
} from './constants.js';
import { disposeTask, type TaskSource } from './data.js';
import type { LocalUpdateReport } from './fedmetanas.js';
import { clipGradNorm, disposeGrads, liveWeights, lossAndGrads } from './grads.js';
import { crossEntropy } from './loss.js';
import { createOptimizer, type AdamSpec } from './optimizer.js';
import { cosineLr } from './schedule.js';
import { requireNonNegative, requireNonNegativeInt, requirePositiveInt } from './validate.js';

/** Options of a FedNAS (FedML MiLeNAS) local search. */
export interface FedNasOptions {
  /** Batches (alpha step + weight step each) in this local update, e.g. local epochs x batches per epoch. */
  steps: number;
  /** Current round (0-based) and the number of search rounds, for the cosine weight learning rate. */
  round: number;
  totalRounds: number;
  rng: Rng;
  /** Train (support) and validation (query) batch size; default `FEDNAS_BATCH_SIZE` each. */
  batchSize?: number;
  /** Default `FEDNAS_WEIGHT_LR` annealed to `FEDNAS_WEIGHT_LR_MIN`. */
  weightLr?: number;
  weightLrMin?: number;
  momentum?: number;
  weightDecay?: number;
  /** Global gradient-norm clip of the weight step; default `FEDNAS_GRAD_CLIP`. */
  gradClip?: number;
  /** Default Adam lr 3e-4, betas (0.5, 0.999), weight decay 1e-3. */
  alphaOptimizer?: AdamSpec;
  lambdaTrain?: number;
  lambdaVal?: number;
}

/**
 * One FedNAS client's local search, in place on `model`, with the soft DARTS supernet (`softmax` mode). Per
 * task (train batch = support, validation batch = query): an Adam step on the logits with
 * grad_alpha (lambdaVal * L_val + lambdaTrain * L_train) (MiLeNAS), then an SGD weight step on L_train with
 * momentum, weight decay, gradient clipping and the round's cosine learning rate. Both optimizers are
 * rebuilt on every call, i.e. every round.
 */
export function fedNasLocalUpdate(
  model: SearchModel,
  data: TaskSource,
  opts: FedNasOptions,
): LocalUpdateReport {
  const fn = 'fedNasLocalUpdate';
  const batchSize = opts.batchSize ?? FEDNAS_BATCH_SIZE;
  requirePositiveInt(fn, 'steps', opts.steps);
  requirePositiveInt(fn, 'batchSize', batchSize);
  requireNonNegativeInt(fn, 'round', opts.round);
  requireNonNegativeInt(fn, 'totalRounds', opts.totalRounds);
  const gradClip = opts.gradClip ?? FEDNAS_GRAD_CLIP;
  const lambdaTrain = opts.lambdaTrain ?? FEDNAS_LAMBDA_TRAIN;
  const lambdaVal = opts.lambdaVal ?? FEDNAS_LAMBDA_VAL;
  requireNonNegative(fn, 'gradClip', gradClip);
  requireNonNegative(fn, 'lambdaTrain', lambdaTrain);
  requireNonNegative(fn, 'lambdaVal', lambdaVal);
  const lr = cosineLr(
    opts.round,
    opts.totalRounds,
    opts.weightLr ?? FEDNAS_WEIGHT_LR,
    opts.weightLrMin ?? FEDNAS_WEIGHT_LR_MIN,
  );
  const weightOpt = createOptimizer(
    {
      kind: 'sgd',
      lr,
      momentum: opts.momentum ?? FEDNAS_MOMENTUM,
      weightDecay: opts.weightDecay ?? FEDNAS_WEIGHT_DECAY,
    },
    fn,
  );
  const alphaOpt = createOptimizer(opts.alphaOptimizer ?? FEDNAS_ALPHA_OPTIMIZER, fn);
  const fwd = { mode: 'softmax' as const, tau: 1, training: true };
  const taskRng = opts.rng.fork('tasks');
  let samples = 0;
  let trainLoss = 0;
  let valLoss = 0;
  try {
    for (let s = 0; s < opts.steps; s++) {
      const task = data.nextTask(taskRng, { support: batchSize, query: batchSize });
      try {
        samples += task.support.y.shape[0] + task.query.y.shape[0];
        let lv = 0;
        const a = lossAndGrads(model.alphas, () => {
          const lt = crossEntropy(model.forward(task.support.x, fwd), task.support.y);
          const l = crossEntropy(model.forward(task.query.x, fwd), task.query.y);
          lv = l.dataSync()[0];
          return tf.add(tf.mul(lt, lambdaTrain), tf.mul(l, lambdaVal));
        });
        alphaOpt.step(model.alphas, a.grads, model.masks);
        disposeGrads(a.grads);
        valLoss += lv;
        const weights = liveWeights(model);
        const w = lossAndGrads(weights, () =>
          crossEntropy(model.forward(task.support.x, fwd), task.support.y),
        );
        if (gradClip > 0) clipGradNorm(w.grads, gradClip);
        weightOpt.step(weights, w.grads);
        disposeGrads(w.grads);
        trainLoss += w.loss;
      } finally {
        disposeTask(task);
      }
    }
  } finally {
    weightOpt.dispose();
    alphaOpt.dispose();
  }
  return { steps: opts.steps, samples, trainLoss: trainLoss / opts.steps, queryLoss: valLoss / opts.steps };
}
