import {
  DEFAULT_QUERY_SIZE,
  DEFAULT_SUPERVISED_BATCH_SIZE,
  DEFAULT_SUPPORT_SIZE,
  FEDNAS_BATCH_SIZE,
} from '../learn/constants.js';
import type { PeerData } from '../learn/data.js';
import { fedMetaNasLocalUpdate, type LocalUpdateReport } from '../learn/fedmetanas.js';
import { fedNasLocalUpdate } from '../learn/fednas.js';
import { supervisedLocalUpdate } from '../learn/supervised.js';
import type { SearchModel } from '../types.js';
import type { Rng } from '../../util/rng.js';
import { DEFAULT_LOCAL_EPOCHS } from './constants.js';
import type { HarnessConfig } from './types.js';

/** Samples one local step consumes for the configured method. */
export function samplesPerStep(config: HarnessConfig): number {
  switch (config.method) {
    case 'fednas':
      return 2 * (config.fednas?.batchSize ?? FEDNAS_BATCH_SIZE);
    case 'fedavg':
      return config.supervised?.batchSize ?? DEFAULT_SUPERVISED_BATCH_SIZE;
    default: {
      const sizes = config.fedmetanas?.sizes ?? { support: DEFAULT_SUPPORT_SIZE, query: DEFAULT_QUERY_SIZE };
      const tasks = config.method === 'fedmetanas-nomaml' ? 1 : (config.fedmetanas?.tasksPerMetaStep ?? 1);
      return (sizes.support + sizes.query) * tasks;
    }
  }
}

/** Local steps of a peer per round: `localSteps`, or `localEpochs` passes over its samples. */
export function stepsFor(config: HarnessConfig, peer: PeerData): number {
  if (config.localSteps !== undefined) return config.localSteps;
  const epochs = config.localEpochs ?? DEFAULT_LOCAL_EPOCHS;
  return Math.max(1, Math.ceil((epochs * peer.sampleCount) / samplesPerStep(config)));
}

/** Run the configured method's local update on `model` (already holding the global state). */
export function runLocalUpdate(
  config: HarnessConfig,
  model: SearchModel,
  peer: PeerData,
  ctx: { round: number; tau: number; rng: Rng; steps: number },
): LocalUpdateReport {
  switch (config.method) {
    case 'fednas':
      return fedNasLocalUpdate(model, peer, {
        ...config.fednas,
        steps: ctx.steps,
        round: ctx.round,
        totalRounds: config.rounds,
        rng: ctx.rng,
      });
    case 'fedavg':
      return supervisedLocalUpdate(model, peer, { ...config.supervised, steps: ctx.steps, rng: ctx.rng });
    default:
      return fedMetaNasLocalUpdate(model, peer, {
        ...config.fedmetanas,
        variant: config.method === 'fedmetanas-nomaml' ? 'nomaml' : (config.fedmetanas?.variant ?? 'fomaml'),
        tau: ctx.tau,
        rng: ctx.rng,
        metaSteps: ctx.steps,
      });
  }
}
