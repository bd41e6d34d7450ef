import { checkCommon, finalize, partitionRng, splitEven } from './common.js';
import type { Partition } from './types.js';

/** IID partition: a seeded shuffle of all samples cut into `numPeers` near-equal shards. */
export function iidPartition(labels: ArrayLike<number>, numPeers: number, seed: number): Partition {
  checkCommon(labels, numPeers, seed, 'iidPartition');
  const order = partitionRng(seed, 'iid').shuffle(Array.from({ length: labels.length }, (_, i) => i));
  return finalize(splitEven(order, numPeers));
}
