import type { AdamSpec, SgdSpec } from './optimizer.js';

/**
 * Defaults of the learners. The FedMetaNAS paper publishes none of these: every value is a choice,
 * exposed as an option and meant to be recorded with a run's config.
 */

// ---- FedMetaNAS task learner (inner loop, plain SGD) ----

/** m: task-learner steps on the support set per task. */
export const DEFAULT_TASK_STEPS = 5;
/** eta_w: inner SGD learning rate of the weights (the DARTS weight learning rate). */
export const DEFAULT_TASK_WEIGHT_LR = 0.025;
/** eta_a: inner SGD learning rate of the architecture logits. */
export const DEFAULT_TASK_ALPHA_LR = 0.01;
/** Support samples per task. */
export const DEFAULT_SUPPORT_SIZE = 32;
/** Query samples per task. */
export const DEFAULT_QUERY_SIZE = 32;

// ---- FedMetaNAS meta learner ----

/** Meta updates (tasks when `tasksPerMetaStep` is 1) per local update (round). */
export const DEFAULT_META_STEPS = 10;
/** Tasks whose meta-gradients are averaged into one meta update. */
export const DEFAULT_TASKS_PER_META_STEP = 1;
/** First-order MAML meta optimizer of the weights: SGD with momentum (DARTS weight settings, no schedule). */
export const DEFAULT_META_WEIGHT_OPTIMIZER: SgdSpec = {
  kind: 'sgd',
  lr: 0.025,
  momentum: 0.9,
  weightDecay: 3e-4,
};
/** First-order MAML meta optimizer of the logits: Adam with DARTS betas and decay, 10x the DARTS lr. */
export const DEFAULT_META_ALPHA_OPTIMIZER: AdamSpec = {
  kind: 'adam',
  lr: 3e-3,
  beta1: 0.5,
  beta2: 0.999,
  weightDecay: 1e-3,
};
/** Reptile meta optimizer of the weights: plain SGD, lr 1 = move to the mean adapted point. */
export const DEFAULT_REPTILE_WEIGHT_OPTIMIZER: SgdSpec = { kind: 'sgd', lr: 1 };
/** Reptile meta optimizer of the logits: plain SGD, lr 1. */
export const DEFAULT_REPTILE_ALPHA_OPTIMIZER: SgdSpec = { kind: 'sgd', lr: 1 };
/** Relaxation used while searching with FedMetaNAS. */
export const DEFAULT_FEDMETANAS_RELAX = 'hard' as const;

// ---- FedNAS (FedML's MiLeNAS search) ----

/** Alpha optimizer of FedNAS: Adam lr 3e-4, betas (0.5, 0.999), weight decay 1e-3. */
export const FEDNAS_ALPHA_OPTIMIZER: AdamSpec = {
  kind: 'adam',
  lr: 3e-4,
  beta1: 0.5,
  beta2: 0.999,
  weightDecay: 1e-3,
};
/** Initial weight learning rate of FedNAS (cosine-annealed over rounds). */
export const FEDNAS_WEIGHT_LR = 0.025;
/** Final weight learning rate of FedNAS's cosine schedule. */
export const FEDNAS_WEIGHT_LR_MIN = 0.001;
/** SGD momentum of FedNAS weights. */
export const FEDNAS_MOMENTUM = 0.9;
/** Weight decay of FedNAS weights. */
export const FEDNAS_WEIGHT_DECAY = 3e-4;
/** Global gradient-norm clip of FedNAS weight steps. */
export const FEDNAS_GRAD_CLIP = 5;
/** MiLeNAS mixing: alpha gradient = lambdaTrain * grad L_train + lambdaVal * grad L_val. */
export const FEDNAS_LAMBDA_TRAIN = 1;
export const FEDNAS_LAMBDA_VAL = 1;
/** FedNAS batch size (train and validation batches). */
export const FEDNAS_BATCH_SIZE = 64;

// ---- Plain supervised training (FedAvg on a fixed architecture, FedNAS retraining) ----

export const DEFAULT_SUPERVISED_LR = 0.025;
export const DEFAULT_SUPERVISED_MOMENTUM = 0.9;
export const DEFAULT_SUPERVISED_WEIGHT_DECAY = 3e-4;
/** Global gradient-norm clip of supervised steps (DARTS retraining uses 5). */
export const DEFAULT_SUPERVISED_GRAD_CLIP = 5;
export const DEFAULT_SUPERVISED_BATCH_SIZE = 64;

// ---- Personalization and evaluation ----

/** k: task-learner steps of personalization, each on a fresh batch of the peer's data. */
export const DEFAULT_PERSONALIZATION_STEPS = 5;
/** Evaluation batch size. */
export const DEFAULT_EVAL_BATCH_SIZE = 256;
