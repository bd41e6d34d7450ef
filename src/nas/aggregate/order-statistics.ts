import { AggregationConfigError } from '../errors.js';
import { requireClients, requireSameLength } from './fedavg.js';
import { holders, unionNames, type AggregationRule, type RuleInput, type VectorMap } from './types.js';

/** Apply `reduce` to the sorted values of every coordinate of every name, over the clients holding it. */
function coordinatewise(fn: string, input: RuleInput, reduce: (sorted: Float64Array) => number): VectorMap {
  requireClients(fn, input.clients);
  const out: VectorMap = {};
  for (const name of unionNames(input.clients)) {
    const hs = holders(input.clients, name);
    const n = requireSameLength(fn, hs, name);
    const column = new Float64Array(hs.length);
    const res = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < hs.length; k++) column[k] = hs[k].vectors[name][i];
      column.sort();
      res[i] = reduce(column);
    }
    out[name] = res;
  }
  return out;
}

/** Coordinate-wise median (unweighted; the mean of the two middle values for an even count). */
export function coordinateMedian(): AggregationRule {
  return {
    name: 'median',
    aggregate: (input) =>
      coordinatewise('coordinateMedian', input, (s) => {
        const mid = s.length >> 1;
        return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
      }),
  };
}

/**
 * Coordinate-wise trimmed mean (unweighted): drop the floor(beta * n) smallest and largest values of each
 * coordinate, average the rest. `beta` in [0, 0.5).
 */
export function trimmedMean(beta: number): AggregationRule {
  if (!(beta >= 0 && beta < 0.5)) {
    throw new AggregationConfigError(`Error in trimmedMean: beta must be in [0, 0.5), found ${beta}`);
  }
  return {
    name: `trimmedMean(${beta})`,
    aggregate: (input) =>
      coordinatewise('trimmedMean', input, (s) => {
        const k = Math.floor(beta * s.length);
        let sum = 0;
        for (let i = k; i < s.length - k; i++) sum += s[i];
        return sum / (s.length - 2 * k);
      }),
  };
}
