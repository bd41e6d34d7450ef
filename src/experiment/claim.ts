import { meanStd } from './stats.js';
import type { CellResult } from './types.js';

/** The speed claim on one partition: FedMetaNAS's time to reach FedNAS's final accuracy. */
export interface ClaimCheck {
  partition: string;
  seeds: number;
  /** FedNAS's final accuracy (after retraining) on the peers' test splits, and its total wall time. */
  fednasAccuracy: number;
  fednasTotalS: number;
  /** FedMetaNAS's final accuracy on the same splits, and its total wall time. */
  fedmetanasAccuracy: number;
  fedmetanasTotalS: number;
  /**
   * Mean over seeds of FedMetaNAS's wall time until its first round at or above FedNAS's final accuracy
   * of the same seed (undefined when some seed never reaches it).
   */
  timeToFednasAccuracyS?: number;
  /** `timeToFednasAccuracyS / fednasTotalS` (the paper claims <= 0.5). */
  timeRatio?: number;
  notLower: boolean;
}

const lastAccuracy = (r: CellResult) =>
  [...r.curve].reverse().find((p) => p.accuracy !== undefined)?.accuracy ?? NaN;

/**
 * Compare `fedmetanas` with `fednas` seed by seed on a partition (seeds present for both methods only);
 * undefined when either method has no result there. Accuracies are the last evaluated round on the
 * peers' pooled test splits (the figure both methods report every round).
 */
export function checkClaim(results: readonly CellResult[], partition: string): ClaimCheck | undefined {
  const of = (method: string) =>
    new Map(results.filter((r) => r.partition === partition && r.method === method).map((r) => [r.seed, r]));
  const meta = of('fedmetanas');
  const nas = of('fednas');
  const seeds = [...meta.keys()].filter((s) => nas.has(s));
  if (seeds.length === 0) return undefined;
  const times: number[] = [];
  let reachedAll = true;
  for (const s of seeds) {
    const target = lastAccuracy(nas.get(s) as CellResult);
    const hit = (meta.get(s) as CellResult).curve.find((p) => (p.accuracy ?? -1) >= target);
    if (hit) times.push(hit.elapsedMs / 1000);
    else reachedAll = false;
  }
  const fednasAccuracy = meanStd(seeds.map((s) => lastAccuracy(nas.get(s) as CellResult))).mean;
  const fedmetanasAccuracy = meanStd(seeds.map((s) => lastAccuracy(meta.get(s) as CellResult))).mean;
  const fednasTotalS = meanStd(seeds.map((s) => (nas.get(s) as CellResult).totalTimeMs / 1000)).mean;
  const timeTo = reachedAll ? meanStd(times).mean : undefined;
  return {
    partition,
    seeds: seeds.length,
    fednasAccuracy,
    fednasTotalS,
    fedmetanasAccuracy,
    fedmetanasTotalS: meanStd(seeds.map((s) => (meta.get(s) as CellResult).totalTimeMs / 1000)).mean,
    ...(timeTo !== undefined ? { timeToFednasAccuracyS: timeTo, timeRatio: timeTo / fednasTotalS } : {}),
    notLower: fedmetanasAccuracy >= fednasAccuracy,
  };
}

/** A markdown paragraph stating the claim check's figures. */
export function claimMarkdown(c: ClaimCheck): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const reach =
    c.timeToFednasAccuracyS === undefined
      ? 'FedMetaNAS did not reach it in every seed'
      : `FedMetaNAS reached it after ${c.timeToFednasAccuracyS.toFixed(1)} s, ${(100 * (c.timeRatio ?? NaN)).toFixed(0)}% of FedNAS's total time (claim: <= 50%)`;
  return (
    `**Claim check (${c.partition}, ${c.seeds} seeds).** FedNAS (search + retraining) ends at ${pct(c.fednasAccuracy)} ` +
    `after ${c.fednasTotalS.toFixed(1)} s; ${reach}. FedMetaNAS ends at ${pct(c.fedmetanasAccuracy)} after ` +
    `${c.fedmetanasTotalS.toFixed(1)} s: its final accuracy is ${c.notLower ? 'not lower' : 'LOWER'}.`
  );
}
