import { SearchSpaceConfigError } from '../errors.js';
import { isOpName, OP_NAMES, type OpName } from './ops/names.js';

/** How a discrete architecture is read from the alphas. */
export type DeriveRule =
  /** Per node, the arg-max live input pair; per edge of it, the arg-max live non-`none` op (FedMetaNAS). */
  | 'pairs'
  /** DARTS: per node, the 2 predecessors with the strongest non-`none` op (node alphas ignored). */
  | 'top2';

/** A DARTS-style search space. */
export interface SearchSpaceConfig {
  /** Number of cells; reduction cells sit at `floor(L/3)` and `floor(2L/3)`. */
  layers: number;
  /** Channels C of the first cells (doubled at each reduction). */
  channels: number;
  /** Intermediate nodes per cell. */
  nodes: number;
  /** Candidate operations, a subset of the DARTS eight (stored in DARTS order). */
  ops: readonly OpName[];
  /** Image channels: 1 (MNIST) or 3 (CIFAR). */
  inChannels: 1 | 3;
  numClasses: number;
  /** Stem outputs `stemMultiplier * C` channels. */
  stemMultiplier: number;
  /** Height and width of the (square) input images. */
  imageSize: number;
  /** Rule used by the `discrete` forward mode. */
  deriveRule: DeriveRule;
}

/** Defaults: the DARTS search space with 4 nodes, all 8 ops, stem multiplier 3. */
export const DEFAULT_SEARCH_SPACE: Readonly<SearchSpaceConfig> = Object.freeze({
  layers: 8,
  channels: 16,
  nodes: 4,
  ops: OP_NAMES,
  inChannels: 3,
  numClasses: 10,
  stemMultiplier: 3,
  imageSize: 32,
  deriveRule: 'pairs',
});

/** The benchmark space: 28x28x1 input, C=8, 3 cells, 4 nodes, 10 classes. */
export const BENCH_SMALL: Readonly<SearchSpaceConfig> = Object.freeze({
  ...DEFAULT_SEARCH_SPACE,
  layers: 3,
  channels: 8,
  inChannels: 1,
  imageSize: 28,
});

/** The paper-scale space: L=8, C=16, 32x32x3 input, 10 classes. */
export const PAPER_CIFAR10: Readonly<SearchSpaceConfig> = Object.freeze({ ...DEFAULT_SEARCH_SPACE });

/** Layer layout derived from a config: which cells reduce and the channels/size of every cell. */
export interface CellLayout {
  reduction: boolean;
  reductionPrev: boolean;
  /** Channels of the two inputs and of every node. */
  cPrevPrev: number;
  cPrev: number;
  c: number;
  /** Spatial size of the cell's inputs (`s1`) and output. */
  inSize: number;
  outSize: number;
}

function fail(arg: string, expected: string, found: unknown): never {
  throw new SearchSpaceConfigError(
    `Error in resolveSearchSpace: ${arg} must be ${expected}, found ${JSON.stringify(found)}`,
  );
}

function positiveInt(arg: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(arg, 'a positive integer', v);
}

/** Indices of the reduction cells for `layers` cells (DARTS: `floor(L/3)` and `floor(2L/3)`). */
export function reductionIndices(layers: number): number[] {
  return [...new Set([Math.floor(layers / 3), Math.floor((2 * layers) / 3)])];
}

/** Channels and spatial sizes of every cell (throws when a reduction would see an odd size). */
export function cellLayout(config: SearchSpaceConfig): CellLayout[] {
  const reductions = reductionIndices(config.layers);
  let cPrevPrev = config.stemMultiplier * config.channels;
  let cPrev = cPrevPrev;
  let c = config.channels;
  let size = config.imageSize;
  let reductionPrev = false;
  const out: CellLayout[] = [];
  for (let i = 0; i < config.layers; i++) {
    const reduction = reductions.includes(i);
    if (reduction) {
      c *= 2;
      if (size % 2 !== 0)
        fail('imageSize', `such that every reduction cell sees an even size (cell ${i})`, size);
    }
    const outSize = reduction ? size / 2 : size;
    out.push({ reduction, reductionPrev, cPrevPrev, cPrev, c, inSize: size, outSize });
    [cPrevPrev, cPrev] = [cPrev, config.nodes * c];
    size = outSize;
    reductionPrev = reduction;
  }
  return out;
}

/**
 * Fill defaults, validate and normalise a search-space config (ops are put in DARTS order).
 * Throws `SearchSpaceConfigError` naming the offending field.
 */
export function resolveSearchSpace(partial: Partial<SearchSpaceConfig> = {}): SearchSpaceConfig {
  const c: SearchSpaceConfig = { ...DEFAULT_SEARCH_SPACE, ...partial };
  positiveInt('layers', c.layers);
  positiveInt('channels', c.channels);
  positiveInt('nodes', c.nodes);
  positiveInt('numClasses', c.numClasses);
  positiveInt('stemMultiplier', c.stemMultiplier);
  positiveInt('imageSize', c.imageSize);
  if (c.inChannels !== 1 && c.inChannels !== 3) fail('inChannels', '1 or 3', c.inChannels);
  if (c.deriveRule !== 'pairs' && c.deriveRule !== 'top2')
    fail('deriveRule', "'pairs' or 'top2'", c.deriveRule);
  if (!Array.isArray(c.ops) || c.ops.length === 0) fail('ops', 'a non-empty list of DARTS op names', c.ops);
  for (const op of c.ops) if (!isOpName(op)) fail('ops', `names among ${OP_NAMES.join(', ')}`, op);
  if (new Set(c.ops).size !== c.ops.length) fail('ops', 'without duplicates', c.ops);
  if (c.ops.every((op) => op === 'none')) fail('ops', "a list with at least one op other than 'none'", c.ops);
  const ops = OP_NAMES.filter((op) => c.ops.includes(op));
  const resolved: SearchSpaceConfig = { ...c, ops };
  cellLayout(resolved);
  return Object.freeze(resolved);
}
