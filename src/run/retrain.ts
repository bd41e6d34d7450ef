import * as tf from '@tensorflow/tfjs-core';
import { genotypeToMasks, type Genotype } from '../nas/genotype/index.js';
import { runInProcessFederation } from '../nas/harness/run.js';
import type { HarnessConfig, HarnessResult, RoundMetrics } from '../nas/harness/types.js';
import type { PeerData } from '../nas/learn/data.js';
import type { SearchSpaceConfig } from '../nas/space/config.js';
import { createSupernet, type Supernet } from '../nas/space/supernet.js';
import type { ModelState } from '../nas/state/types.js';

/** Offset added to the run seed for the fresh weights of the retrained network. */
export const RETRAIN_SEED_OFFSET = 7919;

/** What the retraining stage returns: the harness result and the model holding the final state. */
export interface RetrainResult {
  result: HarnessResult;
  model: Supernet;
}

/**
 * FedNAS's separate retraining stage: the derived network of a finished search (its genotype, with the
 * searched alphas) trained FROM SCRATCH (fresh weights) by FedAvg for `config.rounds` rounds over the same
 * peers, evaluated as the discrete network. The masks keep exactly the genotype's candidates, so nothing
 * else is computed or exchanged. The caller disposes the returned model.
 */
export function retrainDerivedNetwork(
  searched: ModelState,
  genotype: Genotype,
  space: SearchSpaceConfig,
  peers: readonly PeerData[],
  config: Omit<HarnessConfig, 'method'>,
  onRound?: (m: RoundMetrics) => void,
): RetrainResult {
  const model = createSupernet(space, { seed: config.seed + RETRAIN_SEED_OFFSET });
  try {
    for (const [name, v] of model.alphas) {
      const a = searched.alphas[name];
      if (a) tf.tidy(() => v.assign(tf.tensor(a.data, v.shape)));
    }
    model.masks = genotypeToMasks(genotype, space);
    const result = runInProcessFederation(model, peers, {
      ...config,
      method: 'fedavg',
      eval: { ...config.eval, mode: 'discrete' },
      ...(onRound ? { onRound } : {}),
    });
    return { result, model };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
