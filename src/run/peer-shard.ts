import { shardFor } from '../data/partition/index.js';
import { splitPeer, type PeerSplit } from '../data/split.js';
import type { Dataset } from '../data/types.js';
import type { SearchRunConfig } from './config.js';
import { ShardPeerData } from './peer-data.js';

/**
 * Peer `index`'s split of its shard, computed alone from the dataset's labels, the partition spec, the
 * run seed and the number of peers: the same split `runSearch` gives that peer (`partition` + `splitAll`).
 */
export function peerSplitFor(dataset: Dataset, config: SearchRunConfig, index: number): PeerSplit {
  const spec = { ...config.partition, numPeers: config.peers, seed: config.seed };
  const shard = shardFor(index, dataset.train.labels, spec);
  return splitPeer(shard, dataset.train.labels, config.seed, index, { fractions: config.split });
}

/** Peer `index`'s data for the learners (see `peerSplitFor`). */
export function peerShardData(dataset: Dataset, config: SearchRunConfig, index: number): ShardPeerData {
  return new ShardPeerData(index, dataset, peerSplitFor(dataset, config, index));
}
