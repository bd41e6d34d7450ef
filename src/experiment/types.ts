import type { HarnessMethod } from '../nas/harness/types.js';
import type { SearchRunConfig } from '../run/config.js';

/** Where an experiment's runs execute: real peer processes on loopback, or the in-process harness. */
export type ExperimentMode = 'network' | 'harness';

/** A named grid of runs: methods x partitions x seeds on one dataset. */
export interface ExperimentPreset {
  name: string;
  description: string;
  dataset: string;
  methods: HarnessMethod[];
  /** Partition labels: `iid`, `dir-<alpha>`, `skew-<classes>`, `shards`. */
  partitions: string[];
  seeds: number[];
  peers: number;
  mode: ExperimentMode;
  /** Settings shared by every run (method, partition, seed, peers, dataset are set per run). */
  base: Partial<SearchRunConfig>;
  /** Rounds of FedNAS's retraining stage (`fednas` runs only; harness mode). */
  fednasRetrainRounds: number;
}

/** One run of an experiment. */
export interface ExperimentCell {
  /** Stable identifier, also the run's folder name: `<method>__<partition>__s<seed>`. */
  id: string;
  method: HarnessMethod;
  partition: string;
  seed: number;
  config: SearchRunConfig;
}

/** Per-round figures of a run (for plots). */
export interface RoundPoint {
  round: number;
  stage: 'search' | 'retrain';
  /** Wall time since the run started, at the end of this round. */
  elapsedMs: number;
  /** Global model on the peers' pooled local test splits. */
  accuracy?: number;
  personalized?: number;
}

/** What one run measured; written as `<out>/cells/<id>.json` (its presence marks the run done). */
export interface CellResult {
  id: string;
  method: HarnessMethod;
  partition: string;
  seed: number;
  mode: ExperimentMode;
  dataset: string;
  peers: number;
  rounds: number;
  retrainRounds: number;
  /** Final global model on the dataset's test set (the derived network; FedNAS after retraining). */
  globalAccuracy: number;
  /** Mean personalized accuracy over the peers' own test splits at the last evaluation (when measured). */
  personalizedAccuracy?: number;
  searchTimeMs: number;
  retrainTimeMs: number;
  totalTimeMs: number;
  /** Mean bytes one peer sends (its update) and receives (the global model) per round. */
  bytesUpPerPeerRound: number;
  bytesDownPerPeerRound: number;
  /** Mean local-update wall time of one peer per round. */
  computeMsPerPeerRound: number;
  /** Peak resident memory of the process(es) that trained, MiB. */
  peakRssMiB: number;
  prunedCandidates: number;
  genotype: string;
  curve: RoundPoint[];
  runDir: string;
}
