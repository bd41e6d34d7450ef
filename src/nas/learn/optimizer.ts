import type * as tf from '@tensorflow/tfjs-core';
import { LearnerConfigError } from '../errors.js';
import { AdamOptimizer } from './adam.js';
import { SgdOptimizer } from './sgd.js';

/**
 * Optimizers over named variables. Written here rather than using `tf.train.*` because those key their
 * state by the engine-global variable name, take no weight decay, cannot leave masked (pruned) logits
 * untouched, and take no per-step learning rate changes without rebuilding.
 */

/** SGD with optional momentum, dampening, Nesterov and L2 weight decay (PyTorch `torch.optim.SGD` semantics). */
export interface SgdSpec {
  kind: 'sgd';
  lr: number;
  /** Default 0. */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
}

/** Adam with L2 weight decay added to the gradient (PyTorch `torch.optim.Adam` semantics). */
export interface AdamSpec {
  kind: 'adam';
  lr: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
}

export type OptimizerSpec = SgdSpec | AdamSpec;

/** A stateful optimizer over variables identified by stable names. */
export interface Optimizer {
  /** Learning rate of the next step; may be changed between steps (schedules). */
  lr: number;
  /**
   * Update every variable of `params` that has a gradient in `grads` (same names); variables without a
   * gradient (pruned or not sampled) are skipped and their state is left alone. Where `masks` has an
   * entry for a variable (same length), entries with mask 0 are neither updated nor decayed.
   */
  step(
    params: ReadonlyMap<string, tf.Variable>,
    grads: ReadonlyMap<string, tf.Tensor>,
    masks?: ReadonlyMap<string, Float32Array>,
  ): void;
  /** Number of state tensors held (momentum buffers, moments). */
  stateSize(): number;
  /** Free the optimizer state. */
  dispose(): void;
}

/** Build an optimizer from its spec; throws `LearnerConfigError` on an invalid spec. */
export function createOptimizer(spec: OptimizerSpec, fn = 'createOptimizer'): Optimizer {
  validateOptimizerSpec(spec, fn);
  return spec.kind === 'sgd' ? new SgdOptimizer(spec) : new AdamOptimizer(spec);
}

/** Check every field of an optimizer spec. */
export function validateOptimizerSpec(spec: OptimizerSpec, fn: string): void {
  const check = (field: string, value: number | undefined, ok: (v: number) => boolean, want: string) => {
    if (value !== undefined && !(Number.isFinite(value) && ok(value))) {
      throw new LearnerConfigError(`Error in ${fn}: optimizer ${field} must be ${want}, found ${value}`);
    }
  };
  check('lr', spec.lr, (v) => v >= 0, 'a finite number >= 0');
  check('weightDecay', spec.weightDecay, (v) => v >= 0, 'a finite number >= 0');
  if (spec.kind === 'sgd') {
    check('momentum', spec.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    check('dampening', spec.dampening, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  } else if (spec.kind === 'adam') {
    check('beta1', spec.beta1, (v) => v >= 0 && v < 1, 'in [0, 1)');
    check('beta2', spec.beta2, (v) => v >= 0 && v < 1, 'in [0, 1)');
    check('eps', spec.eps, (v) => v > 0, 'a finite number > 0');
  } else {
    throw new LearnerConfigError(
      `Error in ${fn}: optimizer kind must be 'sgd' or 'adam', found ${JSON.stringify((spec as { kind: unknown }).kind)}`,
    );
  }
}
