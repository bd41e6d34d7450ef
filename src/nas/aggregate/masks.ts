import { AggregationError, EmptyAggregationError } from '../errors.js';

/** Result of `mergeMaskRecords`. */
export interface MaskMergeResult {
  masks: Record<string, Float32Array>;
  /** Keys whose intersection was empty and kept only their best candidate. */
  fallbacks: string[];
}

/**
 * Merge peers' pruning masks: a candidate stays alive only where every peer keeps it (intersection). A key
 * whose intersection is empty keeps one candidate, its best: the highest aggregated logit in `alphas`
 * among the candidates some peer keeps (first on ties), so no edge or node is ever left empty.
 */
export function mergeMaskRecords(
  all: readonly Record<string, Float32Array>[],
  alphas: Record<string, ArrayLike<number>>,
): MaskMergeResult {
  const fn = 'mergeMaskRecords';
  if (all.length === 0)
    throw new EmptyAggregationError(`Error in ${fn}: masks must be a non-empty list, found 0`);
  const keys = Object.keys(all[0]);
  const masks: Record<string, Float32Array> = {};
  const fallbacks: string[] = [];
  all.forEach((m, p) => {
    const extra = Object.keys(m).filter((k) => !(k in all[0]));
    const missing = keys.filter((k) => !(k in m) || m[k].length !== all[0][k].length);
    if (extra.length > 0 || missing.length > 0) {
      throw new AggregationError(
        `Error in ${fn}: masks[${p}] must have the keys and lengths of masks[0], found ${[...extra, ...missing].map((k) => `'${k}'`).join(', ')} differing`,
      );
    }
  });
  for (const key of keys) {
    const n = all[0][key].length;
    const merged = new Float32Array(n).fill(1);
    const anyAlive = new Array<boolean>(n).fill(false);
    for (const m of all) {
      for (let i = 0; i < n; i++) {
        if (m[key][i] === 0) merged[i] = 0;
        else anyAlive[i] = true;
      }
    }
    if (!merged.some((v) => v === 1)) {
      const a = alphas[key];
      let best = -1;
      for (let i = 0; i < n; i++) {
        const ok = anyAlive[i] || !anyAlive.some(Boolean);
        if (ok && (best < 0 || (a !== undefined && a[i] > a[best]))) best = i;
      }
      merged[best] = 1;
      fallbacks.push(key);
    }
    masks[key] = merged;
  }
  return { masks, fallbacks };
}
