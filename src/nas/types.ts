import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';

/**
 * Contracts shared by the search space (`src/nas/space`), the learners (`src/nas/learn`), model state
 * and aggregation (`src/nas/state`, `src/nas/aggregate`) and the harness. Keys are stable dotted
 * names (`cells.3.edges.5.sep_conv_3x3.dw1`), identical on every peer for the same config.
 */

/** How candidates are mixed on forward. */
export type RelaxMode =
  /** Gumbel straight-through: only the sampled candidate is computed; gradients reach every logit. */
  | 'hard'
  /** Gumbel-Softmax weighted sum of all live candidates. */
  | 'soft'
  /** Plain softmax(alpha) weighted sum, no noise (DARTS / FedNAS). */
  | 'softmax'
  /** The derived discrete network: argmax candidates only (genotype), no noise. */
  | 'discrete';

export interface ForwardOptions {
  mode: RelaxMode;
  /** Gumbel-Softmax temperature (ignored by `softmax` and `discrete`). */
  tau: number;
  /** Training mode: batch statistics in BN and running statistics updated. */
  training: boolean;
  /** Source of Gumbel noise; required for `hard` and `soft`. */
  rng?: Rng;
}

/** Which architecture candidate a weight belongs to, so pruned candidates are neither computed nor sent. */
export interface CandidateRef {
  /** Key into `alphas` / `masks`. */
  alphaKey: string;
  /** Index of the candidate in that alpha vector. */
  index: number;
}

/** A network whose architecture is searched: weights, architecture logits and pruning masks. */
export interface SearchModel {
  /** Trainable weights, by stable name. */
  readonly weights: Map<string, tf.Variable>;
  /**
   * Architecture logits: `<cellType>.edges.<e>` (one logit per op) for every edge and
   * `<cellType>.nodes.<n>` (one logit per candidate input pair) for every node, shared by all cells of a type.
   */
  readonly alphas: Map<string, tf.Variable>;
  /** Non-trainable state such as BN running mean/variance, by stable name. */
  readonly buffers: Map<string, tf.Variable>;
  /** Pruning masks with the keys and lengths of `alphas`: 1 = alive, 0 = pruned. */
  masks: Map<string, Float32Array>;
  /** The candidate a weight belongs to; undefined for weights shared by all (stem, head, preprocessing). */
  candidateOf(weightName: string): CandidateRef | undefined;
  /** Logits `[batch, classes]` for an NHWC batch. */
  forward(x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D;
  /** Free every variable. */
  dispose(): void;
}
