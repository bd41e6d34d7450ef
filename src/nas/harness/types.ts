import type { AggregationRule } from '../aggregate/types.js';
import type { PruneFn } from '../aggregate/prune.js';
import type { ScreenOptions } from '../aggregate/screen.js';
import type { FedMetaNasOptions } from '../learn/fedmetanas.js';
import type { FedNasOptions } from '../learn/fednas.js';
import type { PersonalizeOptions } from '../learn/personalize.js';
import type { SupervisedOptions } from '../learn/supervised.js';
import type { ModelState } from '../state/types.js';
import type { RelaxMode } from '../types.js';

/** The federated methods the harness runs. */
export const HARNESS_METHODS = [
  'fedmetanas',
  'fedmetanas-nomaml',
  'fedmetanas-noprune',
  'fednas',
  'fedavg',
] as const;
export type HarnessMethod = (typeof HARNESS_METHODS)[number];

/** Configuration of an in-process federated run. */
export interface HarnessConfig {
  method: HarnessMethod;
  rounds: number;
  seed: number;
  /** Stamped on every state and checked on load. */
  configHash: string;
  /**
   * Local steps per peer and round (meta updates for FedMetaNAS, batches for FedNAS and FedAvg). Default:
   * `localEpochs` passes over the peer's samples at the method's samples per step.
   */
  localSteps?: number;
  /** Default `DEFAULT_LOCAL_EPOCHS`. */
  localEpochs?: number;
  /** FedMetaNAS options (variant, relax, task learner, sizes, meta optimizers). */
  fedmetanas?: Omit<FedMetaNasOptions, 'tau' | 'rng' | 'metaSteps'>;
  /** FedNAS options (batch size, learning rates). */
  fednas?: Omit<FedNasOptions, 'steps' | 'round' | 'totalRounds' | 'rng'>;
  /** FedAvg (supervised) options. */
  supervised?: Omit<SupervisedOptions, 'steps' | 'rng'>;
  /** Linear temperature schedule over rounds; default `DEFAULT_TAU_MAX` to `DEFAULT_TAU_MIN` (GDAS). */
  tauMax?: number;
  tauMin?: number;
  /** Soft pruning after aggregation (FedMetaNAS with pruning only). */
  prune?: { threshold?: number; fn?: PruneFn };
  /** Aggregation rule; default sample-weighted FedAvg. */
  rule?: AggregationRule;
  /** Checks on every update before aggregation; failing updates are left out and reported. */
  screen?: Omit<ScreenOptions, 'reference' | 'candidateOf'>;
  /**
   * Evaluation of the global model on every peer's test split. `recalibrate`: forward passes over pooled
   * peer training batches that recompute the BN running statistics of the evaluated network before each
   * evaluation (0 = use the aggregated statistics as they are); default `DEFAULT_RECALIBRATE_BATCHES`.
   */
  eval?: { mode?: RelaxMode; batchSize?: number; every?: number; recalibrate?: number };
  /** Personalized evaluation (k task-learner steps per peer) at each evaluation; off when absent. */
  personalize?: Pick<PersonalizeOptions, 'steps' | 'batchSize' | 'weightLr' | 'alphaLr' | 'adaptAlphas'>;
  /** Encode each state to measure its size in bytes (default true). */
  measureBytes?: boolean;
  /** Called after every round. */
  onRound?: (metrics: RoundMetrics) => void;
}

/** Accuracy and mean loss on a test split. */
export interface EvalMetrics {
  accuracy: number;
  loss: number;
  count: number;
}

/** Per-peer metrics of a round. */
export interface PeerRoundMetrics {
  index: number;
  steps: number;
  trainLoss: number;
  queryLoss?: number;
  /** Encoded size of the peer's update. */
  bytes: number;
  /** The global model after this round on the peer's test split. */
  test?: EvalMetrics;
  /** After personalization. */
  personalized?: EvalMetrics;
  rejected?: string;
}

/** Metrics of one round. */
export interface RoundMetrics {
  round: number;
  tau: number;
  /** Test metrics over all peers' test samples (absent on rounds without evaluation). */
  global?: EvalMetrics;
  personalized?: EvalMetrics;
  peers: PeerRoundMetrics[];
  /** Candidates pruned in the global masks after this round, and how many this round pruned. */
  prunedCandidates: number;
  newlyPruned: number;
  /** Mask keys whose merged intersection was empty. */
  maskFallbacks: string[];
  /** Encoded size of the global state. */
  globalBytes: number;
  /** Wall time per phase, milliseconds. */
  timeMs: { local: number; aggregate: number; prune: number; eval: number; total: number };
  /** `tf.memory().numTensors` at the end of the round. */
  numTensors: number;
}

/** The settings a run actually used (defaults resolved), to record with its results. */
export interface ResolvedSettings {
  method: HarnessMethod;
  rounds: number;
  seed: number;
  peers: number;
  stepsPerPeer: number[];
  tauMax: number;
  tauMin: number;
  pruning: boolean;
  pruneThreshold: number;
  rule: string;
  evalMode: RelaxMode;
  evalEvery: number;
}

/** What a run returns. */
export interface HarnessResult {
  settings: ResolvedSettings;
  /** The global model before the first round. */
  initial: EvalMetrics;
  rounds: RoundMetrics[];
  finalState: ModelState;
}
