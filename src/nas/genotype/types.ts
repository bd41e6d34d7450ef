import type { OpName } from '../space/ops/names.js';

/** One chosen edge of a derived cell: the op and the input state (0, 1 = cell inputs, 2.. = nodes). */
export interface GenotypeEdge {
  op: OpName;
  input: number;
}

/**
 * A discrete architecture in DARTS form: per cell type, 2 edges per node in node order, and the states
 * concatenated into the cell output.
 */
export interface Genotype {
  normal: GenotypeEdge[];
  normalConcat: number[];
  reduce: GenotypeEdge[];
  reduceConcat: number[];
}

/** Architecture values read out of a model: alphas and masks by key, the op list and node count. */
export interface ArchValues {
  alphas: ReadonlyMap<string, ArrayLike<number>>;
  masks: ReadonlyMap<string, ArrayLike<number>>;
  ops: readonly OpName[];
  nodes: number;
}
