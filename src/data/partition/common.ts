import { InvalidDataParameterError, TooFewSamplesError } from '../errors.js';
import { Rng } from '../../util/rng.js';

/** Samples grouped by class: `classes[k]` has the ascending sample indices `byClass[k]`. */
export interface ClassGroups {
  classes: number[];
  byClass: number[][];
}

/** Throw unless `value` is an integer in `[min, max]`. */
export function checkInt(value: number, name: string, where: string, min: number, max = Infinity): void {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InvalidDataParameterError(
      `Error in ${where}: ${name} must be an integer ${range}, found ${value}.`,
    );
  }
}

/** Validate the arguments every partitioner takes. */
export function checkCommon(labels: ArrayLike<number>, numPeers: number, seed: number, where: string): void {
  checkInt(numPeers, 'numPeers', where, 1);
  checkInt(seed, 'seed', where, 0, 0xffffffff);
  if (labels.length < numPeers) {
    throw new TooFewSamplesError(
      `Error in ${where}: expected at least one sample per peer (${numPeers} peers), found ${labels.length} samples.`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!(Number.isInteger(y) && y >= 0)) {
      throw new InvalidDataParameterError(
        `Error in ${where}: labels must be non-negative integers, found ${y} at index ${i}.`,
      );
    }
  }
}

/** Group sample indices by label, classes ascending. */
export function groupByClass(labels: ArrayLike<number>): ClassGroups {
  const map = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    let list = map.get(y);
    if (!list) map.set(y, (list = []));
    list.push(i);
  }
  const classes = [...map.keys()].sort((a, b) => a - b);
  return { classes, byClass: classes.map((c) => map.get(c) as number[]) };
}

/** Cut `items` into `parts` contiguous chunks whose sizes differ by at most one (larger first). */
export function splitEven<T>(items: T[], parts: number): T[][] {
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  const out: T[][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const end = start + base + (p < extra ? 1 : 0);
    out.push(items.slice(start, end));
    start = end;
  }
  return out;
}

/** The random stream of a scheme for a seed (independent of other uses of the same seed). */
export function partitionRng(seed: number, scheme: string): Rng {
  return new Rng(seed).fork(`partition/${scheme}`);
}

/** Shards as ascending `Int32Array`s. */
export function finalize(shards: number[][]): Int32Array[] {
  return shards.map((s) => Int32Array.from(s).sort());
}
