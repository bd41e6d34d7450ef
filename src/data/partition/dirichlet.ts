import { InvalidDataParameterError, MinShardSizeUnreachableError, TooFewSamplesError } from '../errors.js';
import { checkCommon, checkInt, finalize, groupByClass, partitionRng } from './common.js';
import type { Partition } from './types.js';

/** Default minimum number of samples every peer must get. */
export const DEFAULT_MIN_SHARD_SIZE = 10;
/** Default number of Dirichlet draws tried before giving up on the minimum size. */
export const DEFAULT_MAX_REDRAWS = 1000;

/** Parameters of the Dirichlet partitioner. */
export interface DirichletParams {
  /** Concentration: small (0.1) = very skewed, large (100) = close to IID. */
  alpha: number;
  /** Every peer gets at least this many samples (default 10). */
  minSize?: number;
  /** Draws tried before `MinShardSizeUnreachableError` (default 1000). */
  maxRedraws?: number;
}

/**
 * Dirichlet label-skew partition (Hsu et al. 2019): for each class, proportions over peers are drawn
 * from Dirichlet(alpha * 1) and the class's shuffled samples are cut accordingly. The draw is
 * repeated until every peer has at least `minSize` samples.
 */
export function dirichletPartition(
  labels: ArrayLike<number>,
  numPeers: number,
  seed: number,
  params: DirichletParams,
): Partition {
  const where = 'dirichletPartition';
  checkCommon(labels, numPeers, seed, where);
  const { alpha } = params;
  const minSize = params.minSize ?? DEFAULT_MIN_SHARD_SIZE;
  const maxRedraws = params.maxRedraws ?? DEFAULT_MAX_REDRAWS;
  if (!(Number.isFinite(alpha) && alpha > 0)) {
    throw new InvalidDataParameterError(
      `Error in ${where}: alpha must be a finite number > 0, found ${alpha}.`,
    );
  }
  checkInt(minSize, 'minSize', where, 0);
  checkInt(maxRedraws, 'maxRedraws', where, 1);
  const n = labels.length;
  if (minSize * numPeers > n) {
    throw new TooFewSamplesError(
      `Error in ${where}: minSize ${minSize} for ${numPeers} peers needs ${minSize * numPeers} samples, found ${n}.`,
    );
  }
  const rng = partitionRng(seed, 'dirichlet');
  const groups = groupByClass(labels).byClass.map((g) => rng.shuffle(g.slice()));
  let smallest = 0;
  for (let attempt = 0; attempt < maxRedraws; attempt++) {
    const shards = Array.from({ length: numPeers }, () => [] as number[]);
    for (const idx of groups) {
      const p = rng.dirichlet(alpha, numPeers);
      let cum = 0;
      let start = 0;
      for (let j = 0; j < numPeers; j++) {
        cum += p[j] as number;
        const end = j === numPeers - 1 ? idx.length : Math.min(idx.length, Math.floor(cum * idx.length));
        for (let k = start; k < end; k++) (shards[j] as number[]).push(idx[k] as number);
        start = Math.max(start, end);
      }
    }
    const min = Math.min(...shards.map((s) => s.length));
    if (min >= minSize) return finalize(shards);
    smallest = Math.max(smallest, min);
  }
  throw new MinShardSizeUnreachableError(
    `Error in ${where}: expected every one of ${numPeers} peers to get >= ${minSize} samples (minSize), found at best ` +
      `a smallest shard of ${smallest} after ${maxRedraws} Dirichlet(alpha=${alpha}) draws over ${n} samples in ` +
      `${groups.length} classes. Raise alpha (--alpha), lower minSize (--min-size), use fewer peers, or raise maxRedraws.`,
  );
}
