import { GenotypeError } from '../errors.js';
import { maskedArgmax, maskedSoftmax } from '../gumbel.js';
import type { DeriveRule } from '../space/config.js';
import type { OpName } from '../space/ops/names.js';
import { CELL_TYPES, type CellType, edgeIndex, edgeKey, inputPairs, nodeKey } from '../space/topology.js';
import type { ArchValues, Genotype, GenotypeEdge } from './types.js';

function get(arch: ArchValues, which: 'alphas' | 'masks', key: string): ArrayLike<number> {
  const v = arch[which].get(key);
  if (!v) throw new GenotypeError(`Error in deriveGenotype: ${which} must contain key '${key}', found none`);
  return v;
}

/** Arg-max live non-`none` op of an edge (`none` only when nothing else is alive). */
function bestOp(arch: ArchValues, type: CellType, e: number): OpName {
  const alpha = get(arch, 'alphas', edgeKey(type, e));
  const mask = get(arch, 'masks', edgeKey(type, e));
  const noNone = Array.from(mask, (m, k) => (arch.ops[k] === 'none' ? 0 : m));
  const k = noNone.some((m) => m !== 0) ? maskedArgmax(alpha, noNone) : maskedArgmax(alpha, mask);
  return arch.ops[k];
}

/** Live input pairs of node `n` (all pairs whose node mask is 1). */
function livePairs(arch: ArchValues, type: CellType, n: number): number[] {
  const mask = get(arch, 'masks', nodeKey(type, n));
  const live = inputPairs(n)
    .map((_, k) => k)
    .filter((k) => mask[k] !== 0);
  if (live.length === 0) {
    throw new GenotypeError(
      `Error in deriveGenotype: mask '${nodeKey(type, n)}' must keep a pair, found none`,
    );
  }
  return live;
}

/** DARTS strength of an edge: the largest softmax weight of a live non-`none` op (-1 when none). */
function edgeStrength(arch: ArchValues, type: CellType, e: number): number {
  const mask = get(arch, 'masks', edgeKey(type, e));
  const w = maskedSoftmax(get(arch, 'alphas', edgeKey(type, e)), mask);
  let best = -1;
  w.forEach((p, k) => {
    if (arch.ops[k] !== 'none' && mask[k] !== 0) best = Math.max(best, p);
  });
  return best;
}

/**
 * The derived edges of one cell type, 2 per node:
 * - `pairs`: the node's arg-max live input pair (by node alpha), inputs ascending;
 * - `top2` (DARTS): the two predecessors with the strongest live non-`none` op, strongest first (among
 *   live pairs when node masks restrict them).
 * Each chosen edge carries its arg-max live non-`none` op.
 */
export function deriveCell(arch: ArchValues, type: CellType, rule: DeriveRule = 'pairs'): GenotypeEdge[] {
  const out: GenotypeEdge[] = [];
  for (let n = 0; n < arch.nodes; n++) {
    const pairs = inputPairs(n);
    const live = livePairs(arch, type, n);
    let chosen: [number, number];
    if (rule === 'pairs') {
      const alpha = get(arch, 'alphas', nodeKey(type, n));
      chosen = pairs[maskedArgmax(alpha, get(arch, 'masks', nodeKey(type, n)))];
    } else {
      const s = Array.from({ length: n + 2 }, (_, j) => edgeStrength(arch, type, edgeIndex(n, j)));
      const ordered = live.map((k) => {
        const [i, j] = pairs[k];
        return s[j] > s[i] ? ([j, i] as [number, number]) : ([i, j] as [number, number]);
      });
      chosen = ordered.reduce((best, p) =>
        s[p[0]] > s[best[0]] || (s[p[0]] === s[best[0]] && s[p[1]] > s[best[1]]) ? p : best,
      );
    }
    for (const from of chosen) out.push({ op: bestOp(arch, type, edgeIndex(n, from)), input: from });
  }
  return out;
}

/** The cell output concatenation of a space with `nodes` nodes: `[2, ..., nodes + 1]`. */
export function concatOf(nodes: number): number[] {
  return Array.from({ length: nodes }, (_, i) => i + 2);
}

/** Derive the genotype of both cell types (see `deriveCell`). */
export function deriveGenotype(arch: ArchValues, rule: DeriveRule = 'pairs'): Genotype {
  const [normal, reduce] = CELL_TYPES.map((t) => deriveCell(arch, t, rule));
  return { normal, normalConcat: concatOf(arch.nodes), reduce, reduceConcat: concatOf(arch.nodes) };
}
