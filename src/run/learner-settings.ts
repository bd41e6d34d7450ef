import {
  DEFAULT_META_ALPHA_OPTIMIZER,
  DEFAULT_META_WEIGHT_OPTIMIZER,
  DEFAULT_QUERY_SIZE,
  DEFAULT_SUPPORT_SIZE,
  DEFAULT_TASK_ALPHA_LR,
  DEFAULT_TASK_STEPS,
  DEFAULT_TASK_WEIGHT_LR,
  DEFAULT_TASKS_PER_META_STEP,
} from '../nas/learn/constants.js';
import type { FedMetaNasOptions } from '../nas/learn/fedmetanas.js';

/**
 * The FedMetaNAS learner settings of a run (the paper publishes none: each is a choice, a flag, and part
 * of the recorded config). `fomaml` and `reptile` are the meta variants; the `fedmetanas-nomaml` method
 * ignores `variant`.
 */
export interface LearnerSettings {
  variant: 'fomaml' | 'reptile';
  /** m: task-learner SGD steps on the support set per task. */
  taskSteps: number;
  /** Task-learner learning rate of the weights. */
  taskLr: number;
  /** Task-learner learning rate of the architecture logits. */
  taskAlphaLr: number;
  supportSize: number;
  querySize: number;
  /** Tasks averaged into one meta update. */
  tasksPerMetaStep: number;
  /** Meta learner of the weights: SGD learning rate, momentum, weight decay (`fomaml`). */
  metaLr: number;
  metaMomentum: number;
  metaWeightDecay: number;
  /** Meta learner of the logits: Adam learning rate (`fomaml`). */
  metaAlphaLr: number;
}

/** The learner defaults (from the engine's constants). */
export const DEFAULT_LEARNER: Readonly<LearnerSettings> = Object.freeze({
  variant: 'fomaml',
  taskSteps: DEFAULT_TASK_STEPS,
  taskLr: DEFAULT_TASK_WEIGHT_LR,
  taskAlphaLr: DEFAULT_TASK_ALPHA_LR,
  supportSize: DEFAULT_SUPPORT_SIZE,
  querySize: DEFAULT_QUERY_SIZE,
  tasksPerMetaStep: DEFAULT_TASKS_PER_META_STEP,
  metaLr: DEFAULT_META_WEIGHT_OPTIMIZER.lr,
  metaMomentum: DEFAULT_META_WEIGHT_OPTIMIZER.momentum ?? 0,
  metaWeightDecay: DEFAULT_META_WEIGHT_OPTIMIZER.weightDecay ?? 0,
  metaAlphaLr: DEFAULT_META_ALPHA_OPTIMIZER.lr,
});

/**
 * The engine options of `fedMetaNasLocalUpdate` for a run's learner settings (missing fields take the
 * defaults). Reptile keeps its own meta optimizers (plain SGD, lr 1: move to the mean adapted point).
 */
export function fedMetaNasOptionsFor(
  partial: Partial<LearnerSettings> | undefined,
  relax: 'hard' | 'soft',
): Omit<FedMetaNasOptions, 'tau' | 'rng' | 'metaSteps'> {
  const l = { ...DEFAULT_LEARNER, ...partial };
  return {
    variant: l.variant,
    relax,
    task: { steps: l.taskSteps, weightLr: l.taskLr, alphaLr: l.taskAlphaLr },
    sizes: { support: l.supportSize, query: l.querySize },
    tasksPerMetaStep: l.tasksPerMetaStep,
    ...(l.variant === 'fomaml'
      ? {
          metaWeightOptimizer: {
            ...DEFAULT_META_WEIGHT_OPTIMIZER,
            lr: l.metaLr,
            momentum: l.metaMomentum,
            weightDecay: l.metaWeightDecay,
          },
          metaAlphaOptimizer: { ...DEFAULT_META_ALPHA_OPTIMIZER, lr: l.metaAlphaLr },
        }
      : {}),
  };
}
