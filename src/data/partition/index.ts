import { InvalidDataParameterError } from '../errors.js';
import { checkInt } from './common.js';
import { DEFAULT_MAX_REDRAWS, DEFAULT_MIN_SHARD_SIZE, dirichletPartition } from './dirichlet.js';
import { iidPartition } from './iid.js';
import { DEFAULT_SHARDS_PER_PEER, shardsPartition } from './shards.js';
import { labelSkewPartition } from './skew.js';
import { PARTITION_SCHEMES, type Partition, type PartitionScheme, type PartitionSpec } from './types.js';

/** Parse a scheme name, e.g. from `--partition`. */
export function parsePartitionScheme(value: string): PartitionScheme {
  if ((PARTITION_SCHEMES as readonly string[]).includes(value)) return value as PartitionScheme;
  throw new InvalidDataParameterError(
    `Error in --partition: expected one of ${PARTITION_SCHEMES.join(', ')}, found '${value}'.`,
  );
}

/** The spec with every default made explicit (what is recorded in partition files and reports). */
export function withDefaults(spec: PartitionSpec): PartitionSpec {
  switch (spec.scheme) {
    case 'dirichlet':
      return {
        ...spec,
        minSize: spec.minSize ?? DEFAULT_MIN_SHARD_SIZE,
        maxRedraws: spec.maxRedraws ?? DEFAULT_MAX_REDRAWS,
      };
    case 'shards':
      return { ...spec, shardsPerPeer: spec.shardsPerPeer ?? DEFAULT_SHARDS_PER_PEER };
    default:
      return { ...spec };
  }
}

/**
 * All peers' shards, a pure function of the labels and the spec: any process computing it gets the
 * same shards (ascending index arrays, disjoint; see `Partition` for coverage).
 */
export function partition(labels: ArrayLike<number>, spec: PartitionSpec): Partition {
  switch (spec.scheme) {
    case 'iid':
      return iidPartition(labels, spec.numPeers, spec.seed);
    case 'dirichlet':
      return dirichletPartition(labels, spec.numPeers, spec.seed, spec);
    case 'skew':
      return labelSkewPartition(labels, spec.numPeers, spec.seed, spec);
    case 'shards':
      return shardsPartition(labels, spec.numPeers, spec.seed, spec);
    default:
      throw new InvalidDataParameterError(
        `Error in partition: expected scheme ${PARTITION_SCHEMES.join(', ')}, found '${(spec as { scheme: unknown }).scheme}'.`,
      );
  }
}

/**
 * The shard of peer `index`: what every other peer computes for it, `partition(labels, spec)[index]`.
 * Needs no coordinator: only the labels, the seed and the number of peers.
 */
export function shardFor(index: number, labels: ArrayLike<number>, spec: PartitionSpec): Int32Array {
  checkInt(index, 'peer index', 'shardFor', 0, spec.numPeers - 1);
  return partition(labels, spec)[index] as Int32Array;
}

/** One line describing a spec, e.g. `dirichlet alpha=0.1 min-size=10`. */
export function describeSpec(spec: PartitionSpec): string {
  const full = withDefaults(spec);
  switch (full.scheme) {
    case 'dirichlet':
      return `dirichlet alpha=${full.alpha} min-size=${full.minSize}`;
    case 'skew':
      return `skew classes-per-peer=${full.classesPerPeer}`;
    case 'shards':
      return `shards shards-per-peer=${full.shardsPerPeer}`;
    default:
      return full.scheme;
  }
}
