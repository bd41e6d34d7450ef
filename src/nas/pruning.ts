import { PruningError } from './errors.js';
import { maskedSoftmax } from './gumbel.js';

/**
 * Soft pruning (MetaNAS / FedMetaNAS) and mask merging, on plain arrays. Every key of `alphas` is one
 * candidate vector (an edge's ops or a node's input pairs); masks have the same keys and lengths,
 * 1 = alive, 0 = pruned. Functions return new masks and never mutate their inputs.
 */

/** MetaNAS pruning threshold on candidate probabilities. */
export const DEFAULT_PRUNE_THRESHOLD = 0.01;

export interface PruneOptions {
  /** Temperature of the probabilities softmax(alpha / tau) over live candidates. */
  tau: number;
  /** Candidates below this probability are pruned (default 0.01). */
  threshold?: number;
  /** Only keys for which this returns true are pruned (default: all). */
  include?: (key: string) => boolean;
}

/** A candidate of a pruning report. */
export interface CandidateProbability {
  key: string;
  index: number;
  probability: number;
}

export interface PruneResult {
  masks: Map<string, Float32Array>;
  /** Candidates pruned in this call. */
  pruned: CandidateProbability[];
  /** Candidates below the threshold kept because they were their vector's best (last) candidate. */
  rescued: CandidateProbability[];
}

function checkPair(
  fn: string,
  alphas: ReadonlyMap<string, ArrayLike<number>>,
  masks: ReadonlyMap<string, ArrayLike<number>>,
): void {
  for (const [key, a] of alphas) {
    const m = masks.get(key);
    if (!m) throw new PruningError(`Error in ${fn}: masks must contain every alpha key, found no '${key}'`);
    if (m.length !== a.length) {
      throw new PruningError(
        `Error in ${fn}: masks['${key}'] must have length ${a.length}, found ${m.length}`,
      );
    }
    checkMask(fn, key, m);
  }
  for (const key of masks.keys()) {
    if (!alphas.has(key))
      throw new PruningError(`Error in ${fn}: alphas must contain mask key '${key}', found none`);
  }
}

function checkMask(fn: string, key: string, m: ArrayLike<number>): void {
  let alive = 0;
  for (let i = 0; i < m.length; i++) {
    if (m[i] !== 0 && m[i] !== 1)
      throw new PruningError(`Error in ${fn}: masks['${key}'] must hold 0/1, found ${m[i]}`);
    alive += m[i];
  }
  if (alive === 0)
    throw new PruningError(`Error in ${fn}: masks['${key}'] must keep a candidate, found none`);
}

/**
 * Prune every live candidate whose probability softmax(alpha / tau) (over the live candidates of its
 * vector) is below `threshold`. A vector never loses its last candidate: if all would go, its most
 * probable one (first on ties) stays and is reported in `rescued`. Masks only ever lose candidates.
 */
export function softPrune(
  alphas: ReadonlyMap<string, ArrayLike<number>>,
  masks: ReadonlyMap<string, ArrayLike<number>>,
  opts: PruneOptions,
): PruneResult {
  const { tau, threshold = DEFAULT_PRUNE_THRESHOLD, include } = opts;
  if (!(tau > 0) || !Number.isFinite(tau)) {
    throw new PruningError(`Error in softPrune: tau must be a finite number > 0, found ${tau}`);
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new PruningError(`Error in softPrune: threshold must be in [0, 1], found ${threshold}`);
  }
  checkPair('softPrune', alphas, masks);
  const out = new Map<string, Float32Array>();
  const pruned: CandidateProbability[] = [];
  const rescued: CandidateProbability[] = [];
  for (const [key, alpha] of alphas) {
    const mask = Float32Array.from(masks.get(key) as ArrayLike<number>);
    out.set(key, mask);
    if (include && !include(key)) continue;
    const p = maskedSoftmax(alpha, mask, tau);
    let best = -1;
    for (let i = 0; i < p.length; i++) if (mask[i] === 1 && (best < 0 || p[i] > p[best])) best = i;
    const below: number[] = [];
    for (let i = 0; i < p.length; i++) if (mask[i] === 1 && p[i] < threshold) below.push(i);
    const aliveCount = mask.reduce((a, b) => a + b, 0);
    for (const i of below) {
      if (below.length === aliveCount && i === best) {
        rescued.push({ key, index: i, probability: p[i] });
        continue;
      }
      mask[i] = 0;
      pruned.push({ key, index: i, probability: p[i] });
    }
  }
  return { masks: out, pruned, rescued };
}

/** Result of merging peers' masks. */
export interface MergeResult {
  masks: Map<string, Float32Array>;
  /** Keys whose intersection was empty, resolved by keeping the candidates alive in the most peers. */
  fallbacks: string[];
}

/**
 * Merge masks from several peers: a candidate stays alive only if every peer keeps it (intersection).
 * If a vector's intersection is empty, the candidates alive in the most peers are kept (all of them on
 * ties), so no edge or node ever becomes empty. All peers must share keys and lengths.
 */
export function mergeMasks(all: readonly ReadonlyMap<string, ArrayLike<number>>[]): MergeResult {
  if (all.length === 0)
    throw new PruningError('Error in mergeMasks: masks must be a non-empty list, found []');
  const first = all[0];
  const out = new Map<string, Float32Array>();
  const fallbacks: string[] = [];
  for (const [p, m] of all.entries()) {
    for (const [key, v] of m) checkMask('mergeMasks', key, v);
    if (m.size !== first.size || [...m.keys()].some((k) => first.get(k)?.length !== m.get(k)?.length)) {
      throw new PruningError(
        `Error in mergeMasks: masks[${p}] must have the keys and lengths of masks[0], found a mismatch`,
      );
    }
  }
  for (const [key, m0] of first) {
    const votes = new Float32Array(m0.length);
    for (const m of all) {
      const v = m.get(key) as ArrayLike<number>;
      for (let i = 0; i < v.length; i++) votes[i] += v[i];
    }
    const mask = votes.map((c) => (c === all.length ? 1 : 0));
    if (!mask.some((x) => x === 1)) {
      const most = Math.max(...votes);
      votes.forEach((c, i) => (mask[i] = c === most ? 1 : 0));
      fallbacks.push(key);
    }
    out.set(key, mask);
  }
  return { masks: out, fallbacks };
}

/** Number of live candidates per key. */
export function aliveCounts(masks: ReadonlyMap<string, ArrayLike<number>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, m] of masks)
    out.set(
      key,
      Array.from(m).reduce((a, b) => a + b, 0),
    );
  return out;
}
