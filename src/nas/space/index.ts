/** The DARTS search space with FedMetaNAS relaxation: config, presets, supernet, benchmark step. */
export {
  BENCH_SMALL,
  DEFAULT_SEARCH_SPACE,
  PAPER_CIFAR10,
  cellLayout,
  reductionIndices,
  resolveSearchSpace,
  type CellLayout,
  type DeriveRule,
  type SearchSpaceConfig,
} from './config.js';
export {
  OPS,
  OP_NAMES,
  isOpName,
  type CandidateOp,
  type OpContext,
  type OpFactory,
  type OpName,
} from './ops/index.js';
export {
  CELL_TYPES,
  alphaShapes,
  cellTopology,
  edgeIndex,
  edgeKey,
  inputPairs,
  nodeKey,
  numEdges,
  pairIndex,
  type CellTopology,
  type CellType,
  type EdgeInfo,
} from './topology.js';
export {
  DEFAULT_ALPHA_INIT_STD,
  Supernet,
  createSupernet,
  type ComputedCandidate,
  type SupernetOptions,
} from './supernet.js';
export { planCell, type CellPlan, type PlanArgs, type PlanTerm } from './arch_plan.js';
export { trainStepForBench, type BenchStepOptions } from './bench.js';
export { isParamLive, liveParamNames } from './liveness.js';
