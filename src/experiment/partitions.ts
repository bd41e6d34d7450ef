import { DEFAULT_MIN_SHARD_SIZE } from '../data/partition/dirichlet.js';
import type { PartitionSpec } from '../data/partition/types.js';
import { ExperimentConfigError } from './errors.js';

/**
 * The partition of an experiment label: `iid`, `dir-<alpha>` (Dirichlet), `skew-<classes per peer>`,
 * `shards`. Throws `ExperimentConfigError` for anything else.
 */
export function partitionFromLabel(label: string, numPeers: number, seed: number): PartitionSpec {
  if (label === 'iid') return { scheme: 'iid', numPeers, seed };
  if (label === 'shards') return { scheme: 'shards', numPeers, seed };
  const dir = /^dir-(\d+(?:\.\d+)?)$/.exec(label);
  if (dir && Number(dir[1]) > 0)
    return { scheme: 'dirichlet', numPeers, seed, alpha: Number(dir[1]), minSize: DEFAULT_MIN_SHARD_SIZE };
  const skew = /^skew-(\d+)$/.exec(label);
  if (skew && Number(skew[1]) >= 1) {
    return { scheme: 'skew', numPeers, seed, classesPerPeer: Number(skew[1]) };
  }
  throw new ExperimentConfigError(
    `Error in partition label: expected iid, shards, dir-<alpha > 0> or skew-<classes >= 1>, found '${label}'.`,
  );
}
