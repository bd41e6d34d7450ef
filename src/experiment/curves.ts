import type { Series } from './svg-plot.js';
import type { CellResult } from './types.js';

/**
 * Mean global-accuracy curve per method over the seeds of one partition: x is the round counted across
 * stages (FedNAS's retraining rounds follow its search rounds), y the accuracy at evaluated rounds.
 */
export function accuracyCurves(results: readonly CellResult[], partition: string): Series[] {
  const byMethod = new Map<string, Map<number, number[]>>();
  for (const r of results.filter((x) => x.partition === partition)) {
    const sums = byMethod.get(r.method) ?? new Map<number, number[]>();
    byMethod.set(r.method, sums);
    for (const p of r.curve) {
      if (p.accuracy === undefined) continue;
      const x = (p.stage === 'retrain' ? r.rounds : 0) + p.round + 1;
      sums.set(x, [...(sums.get(x) ?? []), p.accuracy]);
    }
  }
  return [...byMethod].map(([label, sums]) => ({
    label,
    points: [...sums]
      .sort((a, b) => a[0] - b[0])
      .map(([x, ys]) => ({ x, y: ys.reduce((a, b) => a + b, 0) / ys.length })),
  }));
}
