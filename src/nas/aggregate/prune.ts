import { softPrune } from '../pruning.js';
import type { ModelState } from '../state/types.js';
import type { CandidateRef } from '../types.js';
import { dropPruned } from './aggregate-states.js';

/** A soft-pruning function on plain arrays (the shape of `softPrune` in `src/nas/pruning.ts`). */
export type PruneFn = (
  alphas: ReadonlyMap<string, ArrayLike<number>>,
  masks: ReadonlyMap<string, ArrayLike<number>>,
  opts: { tau: number; threshold?: number },
) => { masks: Map<string, Float32Array> };

/** Options of `pruneState`. */
export interface PruneStateOptions {
  /** Temperature of the candidate probabilities. */
  tau: number;
  /** Probability threshold; default the pruning function's. */
  threshold?: number;
  /** Default `softPrune` from `src/nas/pruning.ts`. */
  prune?: PruneFn;
  /** When given, weights and buffers of newly pruned candidates are dropped from the state. */
  candidateOf?: (name: string) => CandidateRef | undefined;
}

/** The pruned state and the number of candidates this call pruned. */
export interface PruneStateResult {
  state: ModelState;
  newlyPruned: number;
}

/** Soft pruning at the aggregator: new masks from the state's alphas and masks. Returns a new state. */
export function pruneState(state: ModelState, opts: PruneStateOptions): PruneStateResult {
  const prune = opts.prune ?? softPrune;
  const alphas = new Map(Object.entries(state.alphas).map(([k, t]) => [k, t.data]));
  const masks = new Map(Object.entries(state.masks));
  const result = prune(alphas, masks, {
    tau: opts.tau,
    ...(opts.threshold === undefined ? {} : { threshold: opts.threshold }),
  });
  const next: ModelState = {
    ...state,
    weights: { ...state.weights },
    buffers: { ...state.buffers },
    masks: Object.fromEntries(result.masks),
  };
  let newlyPruned = 0;
  for (const [key, m] of Object.entries(next.masks)) {
    const old = state.masks[key];
    for (let i = 0; i < m.length; i++) if (old[i] === 1 && m[i] === 0) newlyPruned++;
  }
  if (opts.candidateOf !== undefined) dropPruned(next, opts.candidateOf);
  return { state: next, newlyPruned };
}

/** Number of pruned (mask 0) candidates of a state. */
export function prunedCount(masks: Record<string, Float32Array>): number {
  let n = 0;
  for (const m of Object.values(masks)) for (const v of m) if (v === 0) n++;
  return n;
}
