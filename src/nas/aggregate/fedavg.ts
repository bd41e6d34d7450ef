import { AggregationError, EmptyAggregationError } from '../errors.js';
import {
  holders,
  unionNames,
  type AggregationRule,
  type RuleClient,
  type RuleInput,
  type VectorMap,
} from './types.js';

/**
 * Sample-weighted FedAvg: every name is the weighted mean (float64 accumulation) over the clients that
 * hold it, with weights renormalised over those clients. Alphas included: a true mean, never one client's.
 */
export function fedAvg(): AggregationRule {
  return {
    name: 'fedAvg',
    aggregate(input: RuleInput): VectorMap {
      const fn = 'fedAvg';
      requireClients(fn, input.clients);
      const out: VectorMap = {};
      for (const name of unionNames(input.clients)) {
        const hs = holders(input.clients, name);
        const total = hs.reduce((s, c) => s + c.weight, 0);
        if (!(total > 0)) {
          throw new EmptyAggregationError(
            `Error in ${fn}: total weight of the clients holding '${name}' must be > 0, found ${total}`,
          );
        }
        const n = requireSameLength(fn, hs, name);
        if (hs.length === 1) {
          out[name] = Float32Array.from(hs[0].vectors[name]);
          continue;
        }
        const acc = new Float64Array(n);
        for (const c of hs) {
          const v = c.vectors[name];
          const w = c.weight / total;
          for (let i = 0; i < n; i++) acc[i] += w * v[i];
        }
        out[name] = Float32Array.from(acc);
      }
      return out;
    },
  };
}

/** Throw `EmptyAggregationError` on no clients and `AggregationError` on a negative or non-finite weight. */
export function requireClients(fn: string, clients: readonly RuleClient[]): void {
  if (clients.length === 0)
    throw new EmptyAggregationError(`Error in ${fn}: clients must be non-empty, found 0`);
  for (const c of clients) {
    if (!(Number.isFinite(c.weight) && c.weight >= 0)) {
      throw new AggregationError(
        `Error in ${fn}: weight of client '${c.id}' must be a finite number >= 0, found ${c.weight}`,
      );
    }
  }
}

/** The common length of `name` over `clients`; throws `AggregationError` when they differ. */
export function requireSameLength(fn: string, clients: readonly RuleClient[], name: string): number {
  const n = clients[0].vectors[name].length;
  for (const c of clients) {
    if (c.vectors[name].length !== n) {
      throw new AggregationError(
        `Error in ${fn}: '${name}' must have ${n} values in every client, found ${c.vectors[name].length} in '${c.id}'`,
      );
    }
  }
  return n;
}
