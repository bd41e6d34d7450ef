import { InvalidDataParameterError, TooFewSamplesError } from '../errors.js';
import { checkCommon, finalize, groupByClass, partitionRng, splitEven } from './common.js';
import type { Partition } from './types.js';

/** Parameters of the label-skew partitioner. */
export interface LabelSkewParams {
  /** tau: how many classes every peer holds. */
  classesPerPeer: number;
}

/**
 * Which classes (positions in the ascending list of classes present) each peer holds: every peer
 * takes the `tau` classes held by the fewest peers so far, ties broken at random. So the first
 * `ceil(C / tau)` peers cover every class, and holder counts differ by at most one.
 */
export function assignClasses(numClasses: number, numPeers: number, tau: number, seed: number): number[][] {
  const rng = partitionRng(seed, 'skew');
  const holders = new Array<number>(numClasses).fill(0);
  const out: number[][] = [];
  for (let p = 0; p < numPeers; p++) {
    const keys = Array.from({ length: numClasses }, () => rng.uniform());
    const order = Array.from({ length: numClasses }, (_, c) => c).sort(
      (a, b) => (holders[a] as number) - (holders[b] as number) || (keys[a] as number) - (keys[b] as number),
    );
    const chosen = order.slice(0, tau).sort((a, b) => a - b);
    for (const c of chosen) holders[c] = (holders[c] as number) + 1;
    out.push(chosen);
  }
  return out;
}

/**
 * Label-skew ("#C = tau") partition: every peer gets samples of exactly `tau` classes; each class is
 * shared evenly among the peers holding it, and every class is covered when `numPeers * tau >= C`
 * (otherwise the samples of the classes no peer holds are left out).
 */
export function labelSkewPartition(
  labels: ArrayLike<number>,
  numPeers: number,
  seed: number,
  params: LabelSkewParams,
): Partition {
  const where = 'labelSkewPartition';
  checkCommon(labels, numPeers, seed, where);
  const tau = params.classesPerPeer;
  const { classes, byClass } = groupByClass(labels);
  if (!(Number.isInteger(tau) && tau >= 1 && tau <= classes.length)) {
    throw new InvalidDataParameterError(
      `Error in ${where}: classesPerPeer (tau) must be an integer in [1, ${classes.length}] (the classes with ` +
        `samples), found ${tau}.`,
    );
  }
  const assigned = assignClasses(classes.length, numPeers, tau, seed);
  const holdersOf = classes.map(() => [] as number[]);
  assigned.forEach((cs, peer) => cs.forEach((c) => (holdersOf[c] as number[]).push(peer)));
  const rng = partitionRng(seed, 'skew/samples');
  const shards = Array.from({ length: numPeers }, () => [] as number[]);
  byClass.forEach((idx, c) => {
    const holders = holdersOf[c] as number[];
    if (holders.length === 0) return;
    if (idx.length < holders.length) {
      throw new TooFewSamplesError(
        `Error in ${where}: class ${classes[c]} is held by ${holders.length} peers (tau=${tau}, ${numPeers} peers) ` +
          `and needs at least one sample each, found ${idx.length} samples.`,
      );
    }
    splitEven(rng.shuffle(idx.slice()), holders.length).forEach((part, h) =>
      (shards[holders[h] as number] as number[]).push(...part),
    );
  });
  return finalize(shards);
}
