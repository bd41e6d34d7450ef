import { TooFewSamplesError } from '../errors.js';
import { checkCommon, checkInt, finalize, partitionRng, splitEven } from './common.js';
import type { Partition } from './types.js';

/** Default number of label-sorted shards per peer (McMahan et al. 2017). */
export const DEFAULT_SHARDS_PER_PEER = 2;

/** Parameters of the shards partitioner. */
export interface ShardsParams {
  /** Shards each peer gets (default 2). */
  shardsPerPeer?: number;
}

/**
 * Pathological non-IID "shards" partition (McMahan et al. 2017): samples sorted by label (ties in
 * seeded random order) are cut into `shardsPerPeer * numPeers` near-equal contiguous shards, and
 * each peer gets `shardsPerPeer` of them at random.
 */
export function shardsPartition(
  labels: ArrayLike<number>,
  numPeers: number,
  seed: number,
  params: ShardsParams = {},
): Partition {
  const where = 'shardsPartition';
  checkCommon(labels, numPeers, seed, where);
  const perPeer = params.shardsPerPeer ?? DEFAULT_SHARDS_PER_PEER;
  checkInt(perPeer, 'shardsPerPeer', where, 1);
  const numShards = perPeer * numPeers;
  if (labels.length < numShards) {
    throw new TooFewSamplesError(
      `Error in ${where}: ${numPeers} peers x ${perPeer} shards need at least ${numShards} samples, found ${labels.length}.`,
    );
  }
  const rng = partitionRng(seed, 'shards');
  const order = rng
    .shuffle(Array.from({ length: labels.length }, (_, i) => i))
    .sort((a, b) => (labels[a] as number) - (labels[b] as number));
  const pieces = splitEven(order, numShards);
  const ids = rng.shuffle(Array.from({ length: numShards }, (_, i) => i));
  const shards = Array.from({ length: numPeers }, (_, p) =>
    ids.slice(p * perPeer, (p + 1) * perPeer).flatMap((id) => pieces[id] as number[]),
  );
  return finalize(shards);
}
