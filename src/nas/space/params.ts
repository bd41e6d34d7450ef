import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/rng.js';
import { DuplicateParamError } from '../errors.js';
import type { CandidateRef } from '../types.js';

let modelCounter = 0;

/**
 * Creates and owns the variables of one supernet. Keys are stable dotted names; the tfjs variable names
 * are made unique per model (`fmn<k>/<key>`) so several models can live in one process.
 * Initial values depend only on (seed, key), never on creation order.
 */
export class ParamStore {
  readonly weights = new Map<string, tf.Variable>();
  readonly buffers = new Map<string, tf.Variable>();
  readonly alphas = new Map<string, tf.Variable>();
  private readonly owners = new Map<string, CandidateRef>();
  private readonly uid = `fmn${modelCounter++}`;

  constructor(private readonly seed: number) {}

  /** A view that prefixes names with `prefix.` and tags every variable with `owner` (if any). */
  scope(prefix: string, owner?: CandidateRef): ParamScope {
    return new ParamScope(this, prefix, owner);
  }

  /** The candidate a weight or buffer belongs to. */
  candidateOf(name: string): CandidateRef | undefined {
    return this.owners.get(name);
  }

  /** Create a trainable weight filled with U(-bound, bound), seeded by (seed, name). */
  uniform(name: string, shape: number[], bound: number, owner?: CandidateRef): tf.Variable {
    const rng = new Rng(this.seed).fork(name);
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (rng.uniform() * 2 - 1) * bound;
    return this.add(this.weights, name, tf.tensor(values, shape), true, owner);
  }

  /** Create an architecture logit vector of length `n` ~ N(0, std^2), seeded by (seed, name). */
  alpha(name: string, n: number, std: number): tf.Variable {
    const rng = new Rng(this.seed).fork(name);
    const values = Float32Array.from({ length: n }, () => rng.normal() * std);
    return this.add(this.alphas, name, tf.tensor1d(values), true, undefined);
  }

  /** Create a trainable weight filled with a constant. */
  constant(name: string, shape: number[], value: number, owner?: CandidateRef): tf.Variable {
    return this.add(this.weights, name, tf.fill(shape, value), true, owner);
  }

  /** Create a non-trainable buffer filled with a constant. */
  buffer(name: string, shape: number[], value: number, owner?: CandidateRef): tf.Variable {
    return this.add(this.buffers, name, tf.fill(shape, value), false, owner);
  }

  private add(
    into: Map<string, tf.Variable>,
    name: string,
    init: tf.Tensor,
    trainable: boolean,
    owner: CandidateRef | undefined,
  ): tf.Variable {
    if (this.weights.has(name) || this.buffers.has(name) || this.alphas.has(name))
      throw new DuplicateParamError(
        `Error in ParamStore.add: name must be unique, found duplicate '${name}'`,
      );
    const v = tf.variable(init, trainable, `${this.uid}/${name}`);
    init.dispose();
    into.set(name, v);
    if (owner) this.owners.set(name, owner);
    return v;
  }

  /** Dispose every variable (weights, buffers, alphas). */
  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    for (const v of this.buffers.values()) v.dispose();
    for (const v of this.alphas.values()) v.dispose();
    this.weights.clear();
    this.buffers.clear();
    this.alphas.clear();
  }
}

/** A prefixed view of a `ParamStore`. */
export class ParamScope {
  constructor(
    readonly store: ParamStore,
    readonly prefix: string,
    readonly owner?: CandidateRef,
  ) {}

  /** A nested scope `prefix.sub`. */
  child(sub: string): ParamScope {
    return new ParamScope(this.store, `${this.prefix}.${sub}`, this.owner);
  }

  /**
   * A conv filter `[kh, kw, inPerGroup, outOrMultiplier]` with PyTorch's default init
   * (kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = kh * kw * inPerGroup).
   */
  convFilter(name: string, shape: [number, number, number, number]): tf.Variable {
    const fanIn = shape[0] * shape[1] * shape[2];
    return this.store.uniform(`${this.prefix}.${name}`, shape, 1 / Math.sqrt(fanIn), this.owner);
  }

  /** A trainable weight U(-bound, bound). */
  uniform(name: string, shape: number[], bound: number): tf.Variable {
    return this.store.uniform(`${this.prefix}.${name}`, shape, bound, this.owner);
  }

  /** A trainable weight filled with a constant. */
  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.store.constant(`${this.prefix}.${name}`, shape, value, this.owner);
  }

  /** A non-trainable buffer filled with a constant. */
  buffer(name: string, shape: number[], value: number): tf.Variable {
    return this.store.buffer(`${this.prefix}.${name}`, shape, value, this.owner);
  }
}
