import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';
import { deriveCell } from '../genotype/derive.js';
import { gumbelNoise, maskedArgmax, maskedOffsets, relaxedProbs, straightThrough } from '../gumbel.js';
import type { RelaxMode } from '../types.js';
import type { DeriveRule } from './config.js';
import type { OpName } from './ops/names.js';
import { type CellTopology, type CellType, edgeIndex, edgeKey, nodeKey } from './topology.js';

/**
 * Per-forward architecture plan of one cell type: which (edge, op) candidates each node computes and
 * with which scalar coefficient. One plan (one Gumbel sample) is shared by every cell of the type, as in
 * GDAS. Candidates with a single live alternative get coefficient `null` (exactly 1, no tensor work);
 * `none` is never a term (it contributes zero).
 */

/** One computed candidate: op `op` (index into the config's ops) on edge `edge`, scaled by `coef`. */
export interface PlanTerm {
  edge: number;
  op: number;
  coef: tf.Scalar | null;
}

/** The terms summed into every node. */
export interface CellPlan {
  nodes: PlanTerm[][];
}

/** Inputs of `planCell`: the cell type, its topology and ops, the model's alphas and masks, the mode. */
export interface PlanArgs {
  type: CellType;
  topology: CellTopology;
  ops: readonly OpName[];
  alphas: ReadonlyMap<string, tf.Variable>;
  masks: ReadonlyMap<string, Float32Array>;
  mode: RelaxMode;
  tau: number;
  /** Required for `hard` and `soft`. */
  rng?: Rng;
  /** Rule of the `discrete` mode. */
  deriveRule: DeriveRule;
}

const live = (mask: Float32Array): number[] => Array.from(mask.keys()).filter((i) => mask[i] !== 0);

/** `tf.unstack` along axis 0; a length-1 axis is reshaped instead (tfjs' Unpack gradient breaks on it). */
function unstack<T extends tf.Tensor>(t: tf.Tensor): T[] {
  return (t.shape[0] === 1 ? [tf.reshape(t, t.shape.slice(1))] : tf.unstack(t)) as T[];
}

function mulCoef(a: tf.Scalar | null, b: tf.Scalar | null): tf.Scalar | null {
  return a && b ? (tf.mul(a, b) as tf.Scalar) : (a ?? b);
}

/** Build the plan of one cell type for a forward pass (call inside `tf.tidy`). */
export function planCell(args: PlanArgs): CellPlan {
  return args.mode === 'discrete' ? discretePlan(args) : relaxedPlan(args);
}

function discretePlan(a: PlanArgs): CellPlan {
  const alphas = new Map<string, Float32Array>();
  for (const e of a.topology.edges) alphas.set(edgeKey(a.type, e.index), read(a, edgeKey(a.type, e.index)));
  for (let n = 0; n < a.topology.nodes; n++) alphas.set(nodeKey(a.type, n), read(a, nodeKey(a.type, n)));
  const derived = deriveCell(
    { alphas, masks: a.masks, ops: a.ops, nodes: a.topology.nodes },
    a.type,
    a.deriveRule,
  );
  const nodes: PlanTerm[][] = [];
  for (let n = 0; n < a.topology.nodes; n++) {
    nodes.push(
      derived
        .slice(2 * n, 2 * n + 2)
        .filter((d) => d.op !== 'none')
        .map((d) => ({ edge: edgeIndex(n, d.input), op: a.ops.indexOf(d.op), coef: null })),
    );
  }
  return { nodes };
}

function read(a: PlanArgs, key: string): Float32Array {
  return (a.alphas.get(key) as tf.Variable).dataSync() as Float32Array;
}

function mask(a: PlanArgs, key: string): Float32Array {
  return a.masks.get(key) as Float32Array;
}

function relaxedPlan(a: PlanArgs): CellPlan {
  const { type, topology, ops, mode } = a;
  const K = ops.length;
  const stochastic = mode === 'hard' || mode === 'soft';
  const tau = stochastic ? a.tau : 1;
  // Draw noise for every candidate, pruned or not, so the random stream never depends on the masks.
  const edgeNoise = stochastic ? gumbelNoise(a.rng as Rng, topology.edges.length * K) : undefined;
  const nodeNoise = topology.pairs.map((p) => (stochastic ? gumbelNoise(a.rng as Rng, p.length) : undefined));

  // 1. Node input pairs: the edges each node uses and its per-edge weights.
  const nodeEdges: { edge: number; weight: tf.Scalar | null }[][] = [];
  for (let n = 0; n < topology.nodes; n++) {
    const key = nodeKey(type, n);
    const m = mask(a, key);
    const pairs = live(m);
    const pairEdges = topology.pairEdges[n];
    if (mode === 'hard') {
      const k = pairs.length === 1 ? pairs[0] : sample(read(a, key), m, nodeNoise[n] as Float32Array);
      let h: tf.Scalar | null = null;
      if (pairs.length > 1) {
        const q = relaxedProbs(a.alphas.get(key) as tf.Variable, offsets(m, nodeNoise[n]), tau);
        h = selectStraightThrough(q, [k])[0];
      }
      nodeEdges.push(pairEdges[k].map((edge) => ({ edge, weight: h })));
    } else if (mode === 'soft' && pairs.length > 1) {
      const q = relaxedProbs(a.alphas.get(key) as tf.Variable, offsets(m, nodeNoise[n]), tau);
      const used = [...new Set(pairs.flatMap((k) => pairEdges[k]))].sort((x, y) => x - y);
      const incidence = new Float32Array(m.length * used.length);
      pairs.forEach((k) => pairEdges[k].forEach((e) => (incidence[k * used.length + used.indexOf(e)] = 1)));
      const w = tf.matMul(tf.reshape(q, [1, m.length]), tf.tensor2d(incidence, [m.length, used.length]));
      const ws = unstack<tf.Scalar>(tf.reshape(w, [used.length]));
      nodeEdges.push(used.map((edge, i) => ({ edge, weight: ws[i] })));
    } else {
      const used = [...new Set(pairs.flatMap((k) => pairEdges[k]))].sort((x, y) => x - y);
      nodeEdges.push(used.map((edge) => ({ edge, weight: null })));
    }
  }

  // 2. Ops on the used edges: stacked probabilities of every edge with more than one live op.
  const used = nodeEdges.flat().map((x) => x.edge);
  const multi = used.filter((e) => live(mask(a, edgeKey(type, e))).length > 1);
  const chosen = new Map<number, number>();
  for (const e of used) {
    const m = mask(a, edgeKey(type, e));
    const l = live(m);
    if (mode === 'hard') {
      const noise = (edgeNoise as Float32Array).subarray(e * K, (e + 1) * K);
      chosen.set(e, l.length === 1 ? l[0] : sample(read(a, edgeKey(type, e)), m, noise));
    }
  }
  const rowOf = new Map(multi.map((e, i) => [e, i]));
  let probs: tf.Tensor2D | undefined;
  if (multi.length > 0) {
    const stacked = tf.stack(multi.map((e) => a.alphas.get(edgeKey(type, e)) as tf.Variable)) as tf.Tensor2D;
    const off = new Float32Array(multi.length * K);
    multi.forEach((e, i) =>
      off.set(maskedOffsets(K, mask(a, edgeKey(type, e)), edgeNoise?.subarray(e * K, (e + 1) * K)), i * K),
    );
    probs = relaxedProbs(stacked, tf.tensor2d(off, [multi.length, K]), tau) as tf.Tensor2D;
  }

  // 3. Terms.
  const nodes: PlanTerm[][] = [];
  if (mode === 'hard') {
    const h = probs
      ? selectStraightThrough(
          probs,
          multi.map((e) => chosen.get(e) as number),
        )
      : [];
    for (const ne of nodeEdges) {
      nodes.push(
        ne
          .filter(({ edge }) => ops[chosen.get(edge) as number] !== 'none')
          .map(({ edge, weight }) => {
            const r = rowOf.get(edge);
            return {
              edge,
              op: chosen.get(edge) as number,
              coef: mulCoef(weight, r === undefined ? null : h[r]),
            };
          }),
      );
    }
    return { nodes };
  }
  const rows = probs ? unstack<tf.Tensor1D>(probs) : [];
  for (const ne of nodeEdges) {
    const terms: PlanTerm[] = [];
    for (const { edge, weight } of ne) {
      const liveOps = live(mask(a, edgeKey(type, edge))).filter((k) => ops[k] !== 'none');
      const r = rowOf.get(edge);
      if (r === undefined) {
        for (const op of liveOps) terms.push({ edge, op, coef: weight });
        continue;
      }
      const row = weight ? tf.mul(rows[r], weight) : rows[r];
      const scalars = unstack<tf.Scalar>(row);
      for (const op of liveOps) terms.push({ edge, op, coef: scalars[op] });
    }
    nodes.push(terms);
  }
  return { nodes };
}

function offsets(m: Float32Array, noise: Float32Array | undefined): tf.Tensor1D {
  return tf.tensor1d(maskedOffsets(m.length, m, noise));
}

/** Arg-max of alpha + noise over live entries (the hard Gumbel sample; independent of tau). */
function sample(alpha: Float32Array, m: Float32Array, noise: Float32Array): number {
  return maskedArgmax(
    alpha.map((x, i) => x + noise[i]),
    m,
  );
}

/**
 * Straight-through scalars for row-wise selections: for row r, value exactly 1 and gradient into
 * `probs[r, picks[r]]`. `probs` is `[K]` (one row) or `[R, K]`.
 */
function selectStraightThrough(probs: tf.Tensor, picks: number[]): tf.Scalar[] {
  const k = probs.shape[probs.rank - 1];
  const onehot = new Float32Array(picks.length * k);
  picks.forEach((p, r) => (onehot[r * k + p] = 1));
  const p2 = tf.reshape(probs, [picks.length, k]);
  const sel = tf.sum(tf.mul(p2, tf.tensor2d(onehot, [picks.length, k])), 1);
  const st = straightThrough(sel, new Float32Array(picks.length).fill(1));
  return unstack<tf.Scalar>(st);
}
