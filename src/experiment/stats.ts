import type { CellResult } from './types.js';

/** Mean and sample standard deviation (0 for one value; NaN for none). */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std, n: v.length };
}

/** The figures of one method on one partition, over its seeds. */
export interface GroupRow {
  method: string;
  partition: string;
  seeds: number;
  globalAccuracy: { mean: number; std: number };
  personalizedAccuracy: { mean: number; std: number };
  searchTimeS: { mean: number; std: number };
  retrainTimeS: { mean: number; std: number };
  totalTimeS: { mean: number; std: number };
  bytesUpPerPeerRound: number;
  bytesDownPerPeerRound: number;
  computeSPerPeerRound: number;
  peakRssMiB: number;
}

/** Group results by (partition, method) in first-seen order and summarize each group over its seeds. */
export function groupResults(results: readonly CellResult[]): GroupRow[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of results) {
    const key = `${r.partition}\u0000${r.method}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const ms = (f: (r: CellResult) => number | undefined) => {
      const s = meanStd(rs.map((r) => f(r) ?? NaN));
      return { mean: s.mean, std: s.std };
    };
    return {
      method: rs[0].method,
      partition: rs[0].partition,
      seeds: rs.length,
      globalAccuracy: ms((r) => r.globalAccuracy),
      personalizedAccuracy: ms((r) => r.personalizedAccuracy),
      searchTimeS: ms((r) => r.searchTimeMs / 1000),
      retrainTimeS: ms((r) => r.retrainTimeMs / 1000),
      totalTimeS: ms((r) => r.totalTimeMs / 1000),
      bytesUpPerPeerRound: meanStd(rs.map((r) => r.bytesUpPerPeerRound)).mean,
      bytesDownPerPeerRound: meanStd(rs.map((r) => r.bytesDownPerPeerRound)).mean,
      computeSPerPeerRound: meanStd(rs.map((r) => r.computeMsPerPeerRound / 1000)).mean,
      peakRssMiB: maxOf(rs.map((r) => r.peakRssMiB)),
    };
  });
}

/** Largest finite value; NaN when there is none. */
function maxOf(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.length === 0 ? NaN : Math.max(...v);
}
