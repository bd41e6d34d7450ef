import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../src/util/rng.js';
import { Rng as SeededRng } from '../../src/util/rng.js';
import type { CandidateRef, ForwardOptions, SearchModel } from '../../src/nas/types.js';

/** Candidate operations of every edge of the tiny model. */
export const TINY_OPS = ['none', 'dense_relu', 'dense_tanh', 'skip'] as const;

/** Shape of a tiny model. */
export interface TinyConfig {
  /** `[height, width, channels]` of the inputs. */
  inputShape: [number, number, number];
  hidden: number;
  classes: number;
  seed: number;
}

/**
 * A small but real `SearchModel`: stem (dense + centring with a running-mean buffer + ReLU), edge 0
 * (h0 -> h1), a node choosing the input of edge 1 among {h0, h1}, edge 1 (-> h2), head on h1 + h2. Every edge
 * mixes `TINY_OPS` by its logits in `normal.edges.<e>`; the node mixes its inputs by `normal.nodes.0`.
 * Honours masks (pruned candidates are never computed) and all four relax modes; the hard mode
 * computes only the sampled candidate (straight-through weight).
 */
export class TinySearchModel implements SearchModel {
  readonly weights = new Map<string, tf.Variable>();
  readonly alphas = new Map<string, tf.Variable>();
  readonly buffers = new Map<string, tf.Variable>();
  masks = new Map<string, Float32Array>();
  readonly config: TinyConfig;

  constructor(config: TinyConfig) {
    this.config = config;
    const rng = new SeededRng(config.seed);
    const d = config.inputShape[0] * config.inputShape[1] * config.inputShape[2];
    const h = config.hidden;
    this.dense('stem', d, h, rng);
    for (const e of [0, 1]) {
      for (const op of ['dense_relu', 'dense_tanh']) this.dense(`cells.0.edges.${e}.${op}`, h, h, rng);
      this.alpha(`normal.edges.${e}`, TINY_OPS.length, rng);
    }
    this.alpha('normal.nodes.0', 2, rng);
    this.dense('head', h, config.classes, rng);
    this.buffers.set('stem.running_mean', ownedVariable(tf.zeros([h]), false));
  }

  candidateOf(weightName: string): CandidateRef | undefined {
    const m = /^cells\.0\.edges\.(\d+)\.([a-z_]+)\./.exec(weightName);
    if (m === null) return undefined;
    return { alphaKey: `normal.edges.${m[1]}`, index: TINY_OPS.indexOf(m[2] as (typeof TINY_OPS)[number]) };
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
      let h0 = this.linear('stem', flat);
      const rm = this.buffers.get('stem.running_mean') as tf.Variable;
      if (opts.training) {
        const mean = tf.mean(h0, 0);
        rm.assign(tf.add(tf.mul(rm, 0.9), tf.mul(mean, 0.1)));
        h0 = tf.sub(h0, mean);
      } else {
        h0 = tf.sub(h0, rm);
      }
      h0 = tf.relu(h0);
      const h1 = this.edge(0, h0, opts);
      const nodeIn = this.mix('normal.nodes.0', opts, (i) => (i === 0 ? h0 : h1));
      const h2 = this.edge(1, nodeIn, opts);
      return this.linear('head', tf.add(h1, h2));
    });
  }

  dispose(): void {
    for (const m of [this.weights, this.alphas, this.buffers]) for (const v of m.values()) v.dispose();
  }

  private edge(e: number, x: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
    return this.mix(`normal.edges.${e}`, opts, (i) => {
      const op = TINY_OPS[i];
      if (op === 'none') return tf.zerosLike(x);
      if (op === 'skip') return x;
      const y = this.linear(`cells.0.edges.${e}.${op}`, x);
      return op === 'dense_relu' ? tf.relu(y) : tf.tanh(y);
    });
  }

  /** Mix candidates `0..n-1` of `key` (only live ones are computed). */
  private mix(key: string, opts: ForwardOptions, candidate: (i: number) => tf.Tensor2D): tf.Tensor2D {
    const alpha = this.alphas.get(key) as tf.Variable;
    const n = alpha.shape[0] as number;
    const mask = this.masks.get(key) ?? new Float32Array(n).fill(1);
    const live = [...mask.keys()].filter((i) => mask[i] !== 0);
    const maskLog = tf.tensor1d(Array.from(mask, (m) => (m !== 0 ? 0 : -1e9)));
    const masked = tf.add(alpha, maskLog) as tf.Tensor1D;
    if (opts.mode === 'discrete') {
      const a = alpha.dataSync();
      const best = live.reduce((b, i) => (a[i] > a[b] ? i : b), live[0]);
      return candidate(best);
    }
    if (opts.mode === 'softmax') return weightedSum(tf.softmax(masked), live, candidate);
    const rng = requireRng(opts.rng);
    const g = tf.tensor1d(Array.from(mask, (m) => (m !== 0 ? rng.gumbel() : 0)));
    const logits = tf.div(tf.add(tf.logSoftmax(masked), g), opts.tau) as tf.Tensor1D;
    const probs = tf.softmax(logits);
    if (opts.mode === 'soft') return weightedSum(probs, live, candidate);
    const lv = logits.dataSync();
    const idx = live.reduce((b, i) => (lv[i] > lv[b] ? i : b), live[0]);
    const pv = probs.dataSync();
    const offset = tf.tensor1d(Array.from(pv, (p, i) => (i === idx ? 1 : 0) - p));
    const hard = tf.add(probs, offset);
    return tf.mul(candidate(idx), tf.slice(hard, [idx], [1])) as tf.Tensor2D;
  }

  private linear(prefix: string, x: tf.Tensor2D): tf.Tensor2D {
    const k = this.weights.get(`${prefix}.kernel`) as tf.Variable;
    const b = this.weights.get(`${prefix}.bias`) as tf.Variable;
    return tf.add(tf.matMul(x, k as tf.Tensor2D), b);
  }

  private dense(prefix: string, fanIn: number, fanOut: number, rng: Rng): void {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const k = Float32Array.from({ length: fanIn * fanOut }, () => (rng.uniform() * 2 - 1) * limit);
    this.weights.set(`${prefix}.kernel`, ownedVariable(tf.tensor2d(k, [fanIn, fanOut])));
    this.weights.set(`${prefix}.bias`, ownedVariable(tf.zeros([fanOut])));
  }

  private alpha(key: string, n: number, rng: Rng): void {
    this.alphas.set(
      key,
      ownedVariable(tf.tensor1d(Float32Array.from({ length: n }, () => 1e-3 * rng.normal()))),
    );
    this.masks.set(key, new Float32Array(n).fill(1));
  }
}

/** A variable holding `t`'s values; `t` itself is freed. */
function ownedVariable(t: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

function weightedSum(w: tf.Tensor1D, live: number[], candidate: (i: number) => tf.Tensor2D): tf.Tensor2D {
  const terms = live.map((i) => tf.mul(candidate(i), tf.slice(w, [i], [1])) as tf.Tensor2D);
  return tf.addN(terms);
}

function requireRng(rng: Rng | undefined): Rng {
  if (rng === undefined)
    throw new Error('Error in TinySearchModel.forward: rng must be given for hard/soft modes');
  return rng;
}
