import { ConfigHashMismatchError, EmptyAggregationError } from '../errors.js';
import type { JsonValue, ModelState, TensorRecord } from '../state/types.js';
import type { TensorSection } from '../state/types.js';
import type { CandidateRef } from '../types.js';
import { fedAvg } from './fedavg.js';
import { mergeMaskRecords } from './masks.js';
import type { AggregationRule, RuleClient } from './types.js';
import { flatten } from './validate.js';

/** One peer's state after its local update, with its FedAvg weight. */
export interface ClientUpdate {
  id: string;
  state: ModelState;
  /** Number of local training samples (FedAvg weight). */
  sampleCount: number;
}

/** Options of `aggregateStates`. */
export interface AggregateOptions {
  /** Default `fedAvg()`. */
  rule?: AggregationRule;
  /** The previous global state (deltas for norm clipping). */
  reference?: ModelState;
  /** Round of the result; default the largest round of the updates. */
  round?: number;
  /** Every update must carry this config hash; default the first update's. */
  configHash?: string;
  /** When given, weights and buffers of candidates pruned by the merged masks are dropped from the result. */
  candidateOf?: (name: string) => CandidateRef | undefined;
  meta?: { [key: string]: JsonValue };
}

/** The new global state and the mask keys that needed the never-empty fallback. */
export interface AggregateResult {
  state: ModelState;
  fallbacks: string[];
}

/**
 * Combine peers' states into a new global state: the rule (FedAvg by default, weighted by sample count) on
 * weights, alphas and buffers together (each name over the peers that hold it), then the intersection of
 * the peers' masks (never empty: see `mergeMaskRecords`). Pure: the inputs are not modified.
 */
export function aggregateStates(
  updates: readonly ClientUpdate[],
  opts: AggregateOptions = {},
): AggregateResult {
  const fn = 'aggregateStates';
  if (updates.length === 0)
    throw new EmptyAggregationError(`Error in ${fn}: updates must be non-empty, found 0`);
  const configHash = opts.configHash ?? updates[0].state.configHash;
  const wrong = updates.filter((u) => u.state.configHash !== configHash);
  if (wrong.length > 0) {
    throw new ConfigHashMismatchError(
      `Error in ${fn}: every update's configHash must be '${configHash}', found ${wrong.map((u) => `'${u.state.configHash}' from '${u.id}'`).join(', ')}`,
    );
  }
  const rule = opts.rule ?? fedAvg();
  const clients: RuleClient[] = updates.map((u) => ({
    id: u.id,
    weight: u.sampleCount,
    vectors: flatten(u.state),
  }));
  const reference = opts.reference === undefined ? undefined : flatten(opts.reference);
  const combined = rule.aggregate({ clients, ...(reference === undefined ? {} : { reference }) });
  const state: ModelState = {
    weights: {},
    alphas: {},
    buffers: {},
    masks: {},
    round: opts.round ?? Math.max(...updates.map((u) => u.state.round)),
    configHash,
    ...(opts.meta === undefined ? {} : { meta: opts.meta }),
  };
  for (const [flat, data] of Object.entries(combined)) {
    const cut = flat.indexOf('/');
    const section = flat.slice(0, cut) as TensorSection;
    const name = flat.slice(cut + 1);
    state[section][name] = { shape: [...shapeOf(updates, section, name)], data };
  }
  const alphas = Object.fromEntries(Object.entries(state.alphas).map(([k, t]) => [k, t.data]));
  const merged = mergeMaskRecords(
    updates.map((u) => u.state.masks),
    alphas,
  );
  state.masks = merged.masks;
  if (opts.candidateOf !== undefined) dropPruned(state, opts.candidateOf);
  return { state, fallbacks: merged.fallbacks };
}

/** Remove the weights and buffers whose candidate `state.masks` prunes. Returns how many were removed. */
export function dropPruned(
  state: ModelState,
  candidateOf: (name: string) => CandidateRef | undefined,
): number {
  let removed = 0;
  for (const section of ['weights', 'buffers'] as const) {
    const record: TensorRecord = state[section];
    for (const name of Object.keys(record)) {
      const ref = candidateOf(name);
      if (ref !== undefined && state.masks[ref.alphaKey]?.[ref.index] === 0) {
        delete record[name];
        removed++;
      }
    }
  }
  return removed;
}

function shapeOf(updates: readonly ClientUpdate[], section: TensorSection, name: string): number[] {
  for (const u of updates) {
    const t = u.state[section][name];
    if (t !== undefined) return t.shape;
  }
  return [];
}
