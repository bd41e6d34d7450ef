import type { PartitionSpec } from '../data/partition/types.js';
import type { SplitFractions } from '../data/split.js';
import type { HarnessMethod } from '../nas/harness/types.js';
import type { SearchSpaceConfig } from '../nas/space/config.js';
import type { BackendChoice } from '../tensor/backend.js';
import { DEFAULT_LEARNER, type LearnerSettings } from './learner-settings.js';

/** Everything that defines a local multi-peer search run; written to `config.json` in the run folder. */
export interface SearchRunConfig {
  method: HarnessMethod;
  seed: number;
  peers: number;
  rounds: number;
  /** Local steps per peer and round; when absent, `localEpochs` passes over the peer's data. */
  localSteps?: number;
  localEpochs: number;
  dataset: string;
  dataDir?: string;
  partition: PartitionSpec;
  split: SplitFractions;
  /** Search space (dataset-dependent fields are filled from the dataset). */
  space: Partial<SearchSpaceConfig>;
  relax: 'hard' | 'soft';
  /**
   * Rounds of a separate FedAvg retraining stage of the derived network from scratch after the search
   * (FedNAS's protocol; 0 = none: FedMetaNAS's pruned supernet is the final model).
   */
  retrainRounds: number;
  /** FedMetaNAS task and meta learner settings. */
  learner: LearnerSettings;
  tauMax: number;
  tauMin: number;
  pruneThreshold: number;
  evalEvery: number;
  evalBatchSize: number;
  /** Personalization steps at each evaluation (0 = off). */
  personalizeSteps: number;
  backend: BackendChoice;
  /** Parent folder of run folders. */
  out: string;
  /** Name of the run folder (default: `<method>-<dataset>-<partition>-s<seed>-<time>`). */
  name?: string;
}

/** Defaults of `fedmetanas search`: a 4-peer search on the embedded MNIST digits, Dirichlet 0.3. */
export const DEFAULT_SEARCH_RUN: Readonly<SearchRunConfig> = Object.freeze({
  method: 'fedmetanas',
  seed: 1,
  peers: 4,
  rounds: 10,
  localEpochs: 1,
  dataset: 'mnist',
  partition: { scheme: 'dirichlet', numPeers: 4, seed: 1, alpha: 0.3 } as PartitionSpec,
  split: { train: 0.5, support: 0.2, query: 0.2, test: 0.1 },
  space: { layers: 3, channels: 8, nodes: 4 },
  relax: 'hard',
  retrainRounds: 0,
  learner: DEFAULT_LEARNER,
  tauMax: 10,
  tauMin: 0.1,
  pruneThreshold: 0.01,
  evalEvery: 1,
  evalBatchSize: 256,
  personalizeSteps: 0,
  backend: 'auto',
  out: 'runs',
});
