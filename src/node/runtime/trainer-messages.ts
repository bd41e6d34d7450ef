import type { Genotype } from '../../nas/genotype/types.js';
import type { TensorEncoding } from '../../protocol/compression/container.js';
import type { SearchRunConfig } from '../../run/config.js';
import type { BackendInfo } from '../../tensor/backend.js';

/** What the trainer worker is started with. */
export interface TrainerInit {
  config: SearchRunConfig;
  /** This peer's index, `0..config.peers-1`. */
  index: number;
  /** Update encoding (`fp32`: values; others: deltas from the round's base model). */
  encoding: TensorEncoding;
  /** Top-k only: fraction of entries kept per tensor. */
  topkRatio?: number;
}

/** Accuracy and mean loss on a test set. */
export interface EvalFigures {
  accuracy: number;
  loss: number;
  count: number;
}

/** What the trainer reports once started. */
export interface TrainerInfo {
  index: number;
  /** Local training samples (the FedAvg weight). */
  sampleCount: number;
  testCount: number;
  /** Local steps per round. */
  steps: number;
  configHash: string;
  /** The seeded initial global model G_0 (encoded), identical on every peer, and its hash. */
  initial: Uint8Array;
  initialHash: string;
  /** Update container entries and their shapes (for `validateUpdateHeader`/`validateUpdateBody`). */
  tensorSpec: Record<string, number[]>;
  backend: BackendInfo;
  evalMode: string;
  evalEvery: number;
  pruning: boolean;
  numTensors: number;
}

/** Run the local update of `round` from the global model `global`. */
export interface TrainRequest {
  round: number;
  tau: number;
  global: Uint8Array;
}

/** A local update, encoded for the wire. */
export interface TrainResult {
  body: Uint8Array;
  encoding: TensorEncoding;
  sampleCount: number;
  steps: number;
  trainLoss: number;
  queryLoss?: number;
  /** Encoded size of the full state (what fp32 would send). */
  stateBytes: number;
  ms: number;
  numTensors: number;
}

/** One received update to aggregate. */
export interface UpdateForAggregation {
  /** Sender peer ID. */
  from: string;
  sampleCount: number;
  body: Uint8Array;
}

/** Aggregate `updates` (all based on `global`) into the next global model, as the harness does. */
export interface AggregateRequest {
  round: number;
  tau: number;
  global: Uint8Array;
  updates: UpdateForAggregation[];
}

/** The next global model (encoded) and what aggregation and pruning did. */
export interface AggregateResult {
  global: Uint8Array;
  /** Sender peer IDs in aggregation order (by peer index). */
  contributors: string[];
  /** Peer index of each contributor, same order. */
  indices: number[];
  sampleCount: number;
  newlyPruned: number;
  prunedCandidates: number;
  fallbacks: string[];
  ms: number;
  numTensors: number;
}

/** Evaluate the global model that ends `round` on the local test split (as the harness does). */
export interface EvaluateRequest {
  round: number;
  tau: number;
  global: Uint8Array;
}

/** Local test figures of a global model; `round` is the round stamped on the decoded model. */
export interface EvaluateResult {
  local: EvalFigures;
  personalized?: EvalFigures;
  modelRound: number;
  configHash: string;
  ms: number;
  numTensors: number;
}

/** Evaluate the final model on the dataset's global test set and derive its genotype. */
export interface FinishRequest {
  global: Uint8Array;
}

/** The final figures of a run. */
export interface FinishResult {
  globalTest: EvalFigures;
  genotype: Genotype;
  dartsGenotype: string;
  prunedCandidates: number;
  ms: number;
  numTensors: number;
}

/** Decode and check a model (round, config hash) without evaluating it. */
export interface InspectRequest {
  global: Uint8Array;
}

/** What a decoded model says about itself. */
export interface InspectResult {
  modelRound: number;
  configHash: string;
}

/** The calls of the trainer and their request and result types. */
export interface TrainerCalls {
  init: [TrainerInit, TrainerInfo];
  train: [TrainRequest, TrainResult];
  aggregate: [AggregateRequest, AggregateResult];
  evaluate: [EvaluateRequest, EvaluateResult];
  finish: [FinishRequest, FinishResult];
  inspect: [InspectRequest, InspectResult];
}

/** A call name. */
export type TrainerCallKind = keyof TrainerCalls;

/** A message to the worker. */
export interface TrainerRequestMessage<K extends TrainerCallKind = TrainerCallKind> {
  id: number;
  kind: K;
  request: TrainerCalls[K][0];
}

/** A message from the worker. */
export type TrainerResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };
