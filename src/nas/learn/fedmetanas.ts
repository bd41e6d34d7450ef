import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import type { SearchModel } from '../types.js';
import { LearnerConfigError } from '../errors.js';
import { accumulateInto } from './accumulate.js';
import {
  DEFAULT_FEDMETANAS_RELAX,
  DEFAULT_META_ALPHA_OPTIMIZER,
  DEFAULT_META_STEPS,
  DEFAULT_META_WEIGHT_OPTIMIZER,
  DEFAULT_QUERY_SIZE,
  DEFAULT_REPTILE_ALPHA_OPTIMIZER,
  DEFAULT_REPTILE_WEIGHT_OPTIMIZER,
  DEFAULT_SUPPORT_SIZE,
  DEFAULT_TASKS_PER_META_STEP,
} from './constants.js';
import { disposeTask, type TaskSizes, type TaskSource } from './data.js';
import { disposeGrads, liveWeights, lossAndGrads } from './grads.js';
import { createOptimizer, type Optimizer, type OptimizerSpec } from './optimizer.js';
import { disposeSnapshot, restoreSnapshot, takeSnapshot } from './snapshot.js';
import { adaptOnSupport, batchLoss, type TaskLearnerOptions } from './task-learner.js';
import { requirePositive, requirePositiveInt } from './validate.js';

/**
 * - `fomaml`: first-order MAML, meta-gradient = grad L(query) at the adapted (w, alpha);
 * - `reptile`: meta-gradient = original - adapted;
 * - `nomaml`: the "without MAML" ablation, plain Gumbel search steps (weights on support, logits on query).
 */
export type MetaVariant = 'fomaml' | 'reptile' | 'nomaml';

/** Options of a FedMetaNAS local update. */
export interface FedMetaNasOptions {
  /** Default `fomaml`. */
  variant?: MetaVariant;
  /** `hard` (straight-through Gumbel, default) or `soft` Gumbel-Softmax. */
  relax?: 'hard' | 'soft';
  /** Current Gumbel-Softmax temperature. */
  tau: number;
  /** Seeds task sampling and Gumbel noise. */
  rng: Rng;
  /** Meta updates in this local update; default `DEFAULT_META_STEPS`. */
  metaSteps?: number;
  /** Tasks averaged per meta update (`fomaml`, `reptile`); default `DEFAULT_TASKS_PER_META_STEP`. */
  tasksPerMetaStep?: number;
  /** Task learner steps and learning rates. */
  task?: Pick<TaskLearnerOptions, 'steps' | 'weightLr' | 'alphaLr'>;
  /** Support and query sizes; default `DEFAULT_SUPPORT_SIZE` / `DEFAULT_QUERY_SIZE`. */
  sizes?: TaskSizes;
  /** Default SGD momentum (`fomaml`, `nomaml`) or plain SGD lr 1 (`reptile`). */
  metaWeightOptimizer?: OptimizerSpec;
  /** Default Adam (`fomaml`, `nomaml`) or plain SGD lr 1 (`reptile`). */
  metaAlphaOptimizer?: OptimizerSpec;
}

/** What a local update did. */
export interface LocalUpdateReport {
  /** Optimizer updates applied. */
  steps: number;
  /** Training samples drawn (support + query). */
  samples: number;
  /** Mean training loss (last task-learner step on support; the weight-step loss for `nomaml`). */
  trainLoss: number;
  /** Mean query loss at the adapted parameters (`fomaml`) or at the alpha step (`nomaml`). */
  queryLoss?: number;
}

/**
 * One peer's FedMetaNAS local update, in place on `model`. The meta optimizers are created for this call
 * and freed at its end (their state is rebuilt every round).
 */
export function fedMetaNasLocalUpdate(
  model: SearchModel,
  data: TaskSource,
  opts: FedMetaNasOptions,
): LocalUpdateReport {
  const fn = 'fedMetaNasLocalUpdate';
  const variant = opts.variant ?? 'fomaml';
  if (variant !== 'fomaml' && variant !== 'reptile' && variant !== 'nomaml') {
    throw new LearnerConfigError(
      `Error in ${fn}: variant must be 'fomaml', 'reptile' or 'nomaml', found ${JSON.stringify(variant)}`,
    );
  }
  const relax = opts.relax ?? DEFAULT_FEDMETANAS_RELAX;
  if (relax !== 'hard' && relax !== 'soft') {
    throw new LearnerConfigError(
      `Error in ${fn}: relax must be 'hard' or 'soft', found ${JSON.stringify(relax)}`,
    );
  }
  const metaSteps = opts.metaSteps ?? DEFAULT_META_STEPS;
  const tasksPerStep = opts.tasksPerMetaStep ?? DEFAULT_TASKS_PER_META_STEP;
  const sizes = opts.sizes ?? { support: DEFAULT_SUPPORT_SIZE, query: DEFAULT_QUERY_SIZE };
  requirePositiveInt(fn, 'metaSteps', metaSteps);
  requirePositiveInt(fn, 'tasksPerMetaStep', tasksPerStep);
  requirePositiveInt(fn, 'sizes.support', sizes.support);
  requirePositiveInt(fn, 'sizes.query', sizes.query);
  requirePositive(fn, 'tau', opts.tau);
  const reptile = variant === 'reptile';
  const metaW = createOptimizer(
    opts.metaWeightOptimizer ?? (reptile ? DEFAULT_REPTILE_WEIGHT_OPTIMIZER : DEFAULT_META_WEIGHT_OPTIMIZER),
    fn,
  );
  const metaA = createOptimizer(
    opts.metaAlphaOptimizer ?? (reptile ? DEFAULT_REPTILE_ALPHA_OPTIMIZER : DEFAULT_META_ALPHA_OPTIMIZER),
    fn,
  );
  const ctx: Ctx = {
    model,
    data,
    opts,
    relax,
    sizes,
    metaW,
    metaA,
    taskRng: opts.rng.fork('tasks'),
    noiseRng: opts.rng.fork('gumbel'),
    samples: 0,
    trainLoss: 0,
    queryLoss: 0,
    tasks: 0,
  };
  try {
    for (let s = 0; s < metaSteps; s++) {
      if (variant === 'nomaml') plainSearchStep(ctx);
      else metaStep(ctx, tasksPerStep, reptile);
    }
  } finally {
    metaW.dispose();
    metaA.dispose();
  }
  return {
    steps: metaSteps,
    samples: ctx.samples,
    trainLoss: ctx.trainLoss / ctx.tasks,
    ...(reptile ? {} : { queryLoss: ctx.queryLoss / ctx.tasks }),
  };
}

interface Ctx {
  model: SearchModel;
  data: TaskSource;
  opts: FedMetaNasOptions;
  relax: 'hard' | 'soft';
  sizes: TaskSizes;
  metaW: Optimizer;
  metaA: Optimizer;
  taskRng: Rng;
  noiseRng: Rng;
  samples: number;
  trainLoss: number;
  queryLoss: number;
  tasks: number;
}

/** One FO-MAML or Reptile meta update from `tasks` tasks. */
function metaStep(ctx: Ctx, tasks: number, reptile: boolean): void {
  const { model, relax } = ctx;
  const tau = ctx.opts.tau;
  const weights = liveWeights(model);
  const snapW = takeSnapshot(weights);
  const snapA = takeSnapshot(model.alphas);
  const accW = new Map<string, tf.Tensor>();
  const accA = new Map<string, tf.Tensor>();
  try {
    for (let t = 0; t < tasks; t++) {
      const task = ctx.data.nextTask(ctx.taskRng, ctx.sizes);
      try {
        ctx.samples += task.support.y.shape[0] + task.query.y.shape[0];
        const adapted = adaptOnSupport(model, task.support, {
          ...ctx.opts.task,
          relax,
          tau,
          rng: ctx.noiseRng,
        });
        ctx.trainLoss += adapted.lastLoss;
        ctx.tasks += 1;
        if (reptile) {
          for (const [name, v] of weights)
            accumulateDelta(accW, name, snapW.get(name) as tf.Tensor, v, tasks);
          for (const [name, v] of model.alphas)
            accumulateDelta(accA, name, snapA.get(name) as tf.Tensor, v, tasks);
        } else {
          const all = new Map([...weights, ...model.alphas]);
          const q = lossAndGrads(all, batchLoss(model, task.query, relax, tau, ctx.noiseRng));
          ctx.queryLoss += q.loss;
          for (const [name, g] of q.grads)
            accumulateInto(model.alphas.has(name) ? accA : accW, name, g, 1 / tasks);
          disposeGrads(q.grads);
        }
      } finally {
        disposeTask(task);
        restoreSnapshot(weights, snapW);
        restoreSnapshot(model.alphas, snapA);
      }
    }
    ctx.metaW.step(weights, accW);
    ctx.metaA.step(model.alphas, accA, model.masks);
  } finally {
    disposeSnapshot(snapW);
    disposeSnapshot(snapA);
    disposeGrads(accW);
    disposeGrads(accA);
  }
}

/** acc[name] += (original - adapted) / tasks. */
function accumulateDelta(
  acc: Map<string, tf.Tensor>,
  name: string,
  original: tf.Tensor,
  adapted: tf.Tensor,
  tasks: number,
): void {
  const delta = tf.sub(original, adapted);
  accumulateInto(acc, name, delta, 1 / tasks);
  delta.dispose();
}

/** "Without MAML": a meta-optimizer weight step on the support set, then a logit step on the query set. */
function plainSearchStep(ctx: Ctx): void {
  const { model, relax } = ctx;
  const tau = ctx.opts.tau;
  const task = ctx.data.nextTask(ctx.taskRng, ctx.sizes);
  try {
    ctx.samples += task.support.y.shape[0] + task.query.y.shape[0];
    const weights = liveWeights(model);
    const w = lossAndGrads(weights, batchLoss(model, task.support, relax, tau, ctx.noiseRng));
    ctx.metaW.step(weights, w.grads);
    disposeGrads(w.grads);
    const a = lossAndGrads(model.alphas, batchLoss(model, task.query, relax, tau, ctx.noiseRng));
    ctx.metaA.step(model.alphas, a.grads, model.masks);
    disposeGrads(a.grads);
    ctx.trainLoss += w.loss;
    ctx.queryLoss += a.loss;
    ctx.tasks += 1;
  } finally {
    disposeTask(task);
  }
}
