/** The partition schemes. */
export const PARTITION_SCHEMES = ['iid', 'dirichlet', 'skew', 'shards'] as const;
/** A partition scheme name. */
export type PartitionScheme = (typeof PARTITION_SCHEMES)[number];

/** Everything a partition depends on besides the labels: a peer recomputes its shard from this alone. */
export type PartitionSpec =
  | { scheme: 'iid'; numPeers: number; seed: number }
  | {
      scheme: 'dirichlet';
      numPeers: number;
      seed: number;
      alpha: number;
      minSize?: number;
      maxRedraws?: number;
    }
  | { scheme: 'skew'; numPeers: number; seed: number; classesPerPeer: number }
  | { scheme: 'shards'; numPeers: number; seed: number; shardsPerPeer?: number };

/**
 * One ascending array of sample indices per peer. Shards are disjoint and cover every sample, except
 * label skew with `numPeers * classesPerPeer < classes`, which leaves out the classes no peer holds.
 */
export type Partition = Int32Array[];
