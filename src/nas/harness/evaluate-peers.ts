import type { PeerData } from '../learn/data.js';
import { evaluate } from '../learn/evaluate.js';
import { personalize } from '../learn/personalize.js';
import { DEFAULT_RECALIBRATE_BATCHES, recalibrateBatchNorm } from '../learn/recalibrate.js';
import { disposeSnapshot, restoreSnapshot, takeSnapshot } from '../learn/snapshot.js';
import { DEFAULT_FEDMETANAS_RELAX } from '../learn/constants.js';
import type { RelaxMode, SearchModel } from '../types.js';
import type { Rng } from '../../util/rng.js';
import type { EvalMetrics, HarnessConfig } from './types.js';

/** Per-peer and pooled test metrics of the model as loaded. */
export interface PeersEval {
  perPeer: EvalMetrics[];
  global: EvalMetrics;
  personalized?: { perPeer: EvalMetrics[]; global: EvalMetrics };
}

/**
 * Evaluate `model` on every peer's test split (pooled over all test samples for the global figure) and,
 * when configured, each peer's personalized model (adapted on a copy: the model is left unchanged). Unless
 * `config.eval.recalibrate` is 0, the BN running statistics are first recomputed for the evaluated network
 * over training batches pooled from all peers (`recalibrateBatchNorm`), and restored afterwards.
 */
export function evaluatePeers(
  config: HarnessConfig,
  model: SearchModel,
  peers: readonly PeerData[],
  ctx: { tau: number; rng: Rng; mode: NonNullable<NonNullable<HarnessConfig['eval']>['mode']> },
): PeersEval {
  const evalOpts = {
    mode: ctx.mode,
    tau: ctx.tau,
    rng: ctx.rng.fork('eval'),
    batchSize: config.eval?.batchSize,
  };
  const batches = config.eval?.recalibrate ?? DEFAULT_RECALIBRATE_BATCHES;
  const saved = batches > 0 ? takeSnapshot(model.buffers) : undefined;
  let perPeer: EvalMetrics[];
  try {
    if (batches > 0) {
      recalibrateBatchNorm(model, peers, {
        mode: ctx.mode,
        tau: ctx.tau,
        rng: ctx.rng.fork('recalibrate'),
        batches,
        weights: peers.map((p) => p.sampleCount),
      });
    }
    perPeer = peers.map((p) => evaluate(model, p, evalOpts));
  } finally {
    if (saved !== undefined) {
      restoreSnapshot(model.buffers, saved);
      disposeSnapshot(saved);
    }
  }
  const out: PeersEval = { perPeer, global: pool(perPeer) };
  if (config.personalize !== undefined) {
    const personalized = peers.map(
      (p) =>
        personalize(model, p, {
          ...config.personalize,
          ...(config.method === 'fedavg' ? { adaptAlphas: false } : {}),
          relax: trainingRelax(config),
          tau: ctx.tau,
          rng: ctx.rng.fork(`personalize:${p.index}`),
          eval: evalOpts,
        }).after,
    );
    out.personalized = { perPeer: personalized, global: pool(personalized) };
  }
  return out;
}

/** The relaxation a method trains with: Gumbel for FedMetaNAS, the soft supernet for FedNAS, discrete for FedAvg. */
export function trainingRelax(config: HarnessConfig): RelaxMode {
  if (config.method === 'fednas') return 'softmax';
  if (config.method === 'fedavg') return 'discrete';
  return config.fedmetanas?.relax ?? DEFAULT_FEDMETANAS_RELAX;
}

/** Metrics over the union of the test splits. */
export function pool(results: readonly EvalMetrics[]): EvalMetrics {
  const count = results.reduce((s, r) => s + r.count, 0);
  if (count === 0) return { accuracy: NaN, loss: NaN, count };
  const accuracy = results.reduce((s, r) => s + (r.count > 0 ? r.accuracy * r.count : 0), 0) / count;
  const loss = results.reduce((s, r) => s + (r.count > 0 ? r.loss * r.count : 0), 0) / count;
  return { accuracy, loss, count };
}
