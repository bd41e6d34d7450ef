import type { HarnessConfig } from '../nas/harness/types.js';
import type { SearchRunConfig } from './config.js';
import { fedMetaNasOptionsFor } from './learner-settings.js';

/**
 * The harness configuration of a search run: what `runSearch` hands `runInProcessFederation` (without its
 * progress hook). The network runtime builds every peer's local update, aggregation, pruning and
 * evaluation from it, so that a distributed round does what one harness round does.
 */
export function harnessConfigFor(config: SearchRunConfig, configHash: string): HarnessConfig {
  return {
    method: config.method,
    rounds: config.rounds,
    seed: config.seed,
    configHash,
    localEpochs: config.localEpochs,
    ...(config.localSteps !== undefined ? { localSteps: config.localSteps } : {}),
    fedmetanas: fedMetaNasOptionsFor(config.learner, config.relax),
    tauMax: config.tauMax,
    tauMin: config.tauMin,
    prune: { threshold: config.pruneThreshold },
    eval: { every: config.evalEvery, batchSize: config.evalBatchSize },
    ...(config.personalizeSteps > 0 ? { personalize: { steps: config.personalizeSteps } } : {}),
  };
}
