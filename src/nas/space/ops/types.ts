import type * as tf from '@tensorflow/tfjs-core';
import type { ParamScope } from '../params.js';

/** What an op needs to build its weights: its scope (`cells.i.edges.e.<op>`), channels and stride. */
export interface OpContext {
  scope: ParamScope;
  channels: number;
  stride: 1 | 2;
}

/** A built candidate operation of one edge. */
export interface CandidateOp {
  /**
   * `coef * op(x)` (`coef` null = 1), or `null` for the zero op (`none`), which is never materialised.
   * Ops ending in a BN fold `coef` into it for free.
   */
  apply(x: tf.Tensor4D, training: boolean, coef: tf.Scalar | null): tf.Tensor4D | null;
}

/** Builds a candidate operation (creating its weights in `ctx.scope`). */
export type OpFactory = (ctx: OpContext) => CandidateOp;
