import { InvalidDataParameterError, TooFewSamplesError } from './errors.js';
import { checkInt, groupByClass } from './partition/common.js';
import type { Partition } from './partition/types.js';
import { Rng } from '../util/rng.js';

/** The parts of a peer's shard. */
export const SPLIT_PARTS = ['train', 'support', 'query', 'test'] as const;
/** A part of a peer's shard. */
export type SplitPart = (typeof SPLIT_PARTS)[number];
/** Fractions of a peer's shard per part; they sum to 1. */
export type SplitFractions = Record<SplitPart, number>;
/** A peer's shard split into ascending index arrays (indices into the dataset's train part). */
export type PeerSplit = Record<SplitPart, Int32Array>;

/** Default fractions: weights on train, meta-learning support/query sets, a local test set. */
export const DEFAULT_SPLIT_FRACTIONS: Readonly<SplitFractions> = {
  train: 0.6,
  support: 0.15,
  query: 0.15,
  test: 0.1,
};

/** Options of `splitPeer`. */
export interface SplitOptions {
  fractions?: SplitFractions;
  /** Keep each class's proportions in every part (default true). */
  stratified?: boolean;
}

function checkFractions(f: SplitFractions): void {
  const values = SPLIT_PARTS.map((p) => f[p]);
  const sum = values.reduce((a, b) => a + b, 0);
  if (!values.every((v) => Number.isFinite(v) && v >= 0) || Math.abs(sum - 1) > 1e-9) {
    throw new InvalidDataParameterError(
      `Error in splitPeer: fractions train/support/query/test must be >= 0 and sum to 1, found ` +
        `${values.join('/')} (sum ${sum}).`,
    );
  }
}

/**
 * Split one peer's shard into train / support / query / local test, seeded by `(seed, peerIndex)` so
 * each peer computes its own split alone. Stratified: each class's samples (shuffled) are dealt out
 * in turn by a smooth weighted round-robin, so every part gets its fraction of every class within
 * one sample and part sizes are within one of `fraction * size`. A part with a positive fraction that
 * would be empty is a `TooFewSamplesError`.
 */
export function splitPeer(
  indices: ArrayLike<number>,
  labels: ArrayLike<number>,
  seed: number,
  peerIndex: number,
  opts: SplitOptions = {},
): PeerSplit {
  const fractions = opts.fractions ?? DEFAULT_SPLIT_FRACTIONS;
  checkFractions(fractions);
  checkInt(seed, 'seed', 'splitPeer', 0, 0xffffffff);
  checkInt(peerIndex, 'peerIndex', 'splitPeer', 0);
  const rng = new Rng(seed).fork(`split/peer-${peerIndex}`);
  const ids = Array.from(indices);
  let order: number[];
  if (opts.stratified ?? true) {
    const local = groupByClass(ids.map((i) => labels[i] as number));
    order = local.byClass.flatMap((g) => rng.shuffle(g.map((k) => ids[k] as number)));
  } else {
    order = rng.shuffle(ids);
  }
  const f = SPLIT_PARTS.map((p) => fractions[p]);
  const taken = [0, 0, 0, 0];
  const parts: number[][] = [[], [], [], []];
  order.forEach((sample, pos) => {
    let best = 0;
    for (let j = 1; j < 4; j++) {
      if (
        (f[j] as number) * (pos + 1) - (taken[j] as number) >
        (f[best] as number) * (pos + 1) - (taken[best] as number)
      ) {
        best = j;
      }
    }
    taken[best] = (taken[best] as number) + 1;
    (parts[best] as number[]).push(sample);
  });
  const empty = SPLIT_PARTS.find((p, j) => fractions[p] > 0 && (parts[j] as number[]).length === 0);
  if (empty) {
    throw new TooFewSamplesError(
      `Error in splitPeer: peer ${peerIndex} has ${ids.length} samples, too few for a non-empty '${empty}' part ` +
        `(fraction ${fractions[empty]}); expected a larger shard (raise --min-size) or other fractions.`,
    );
  }
  return Object.fromEntries(
    SPLIT_PARTS.map((p, j) => [p, Int32Array.from(parts[j] as number[]).sort()]),
  ) as PeerSplit;
}

/** Every peer's split of a partition (what `splitPeer` gives each peer on its own). */
export function splitAll(
  shards: Partition,
  labels: ArrayLike<number>,
  seed: number,
  opts: SplitOptions = {},
): PeerSplit[] {
  return shards.map((s, p) => splitPeer(s, labels, seed, p, opts));
}
