import * as tf from '@tensorflow/tfjs-core';
import { aggregateStates, type ClientUpdate } from '../aggregate/aggregate-states.js';
import { fedAvg } from '../aggregate/fedavg.js';
import { pruneState, prunedCount } from '../aggregate/prune.js';
import { screenUpdates } from '../aggregate/screen.js';
import { DEFAULT_TAU_MAX, DEFAULT_TAU_MIN, linearTau } from '../anneal.js';
import { EmptyAggregationError, HarnessConfigError } from '../errors.js';
import type { PeerData } from '../learn/data.js';
import { DEFAULT_PRUNE_THRESHOLD } from '../pruning.js';
import { encodeModelState } from '../state/codec.js';
import { extractModelState, loadModelState } from '../state/model-io.js';
import type { ModelState } from '../state/types.js';
import type { RelaxMode, SearchModel } from '../types.js';
import { Rng } from '../../util/rng.js';
import { DEFAULT_EVAL_EVERY } from './constants.js';
import { evaluatePeers } from './evaluate-peers.js';
import { runLocalUpdate, stepsFor } from './local-update.js';
import {
  HARNESS_METHODS,
  type HarnessConfig,
  type HarnessResult,
  type PeerRoundMetrics,
  type ResolvedSettings,
  type RoundMetrics,
} from './types.js';

/**
 * Run a federated search (or training) with K peers in one process, sharing one model instance: each round,
 * every peer loads the global state into the model, runs its local update and hands back its extracted
 * state; the states are screened, aggregated (FedAvg by default) and soft-pruned (FedMetaNAS), the
 * temperature follows a linear schedule over rounds, and the global model is evaluated on every peer's test
 * split. Deterministic for a seed; the model holds the final global state on return.
 */
export function runInProcessFederation(
  model: SearchModel,
  peers: readonly PeerData[],
  config: HarnessConfig,
): HarnessResult {
  const settings = resolve(config, peers);
  const root = new Rng(config.seed);
  const candidateOf = (name: string) => model.candidateOf(name);
  const measure = config.measureBytes ?? true;
  const bytesOf = (s: ModelState) => (measure ? encodeModelState(s).length : 0);
  const tauAt = (r: number) => linearTau(r, settings.rounds, settings.tauMax, settings.tauMin);
  let global = extractModelState(model, { round: 0, configHash: config.configHash });
  const initial = evaluatePeers(config, model, peers, {
    tau: tauAt(0),
    rng: root.fork('eval:init'),
    mode: settings.evalMode,
  }).global;
  const rounds: RoundMetrics[] = [];
  for (let r = 0; r < settings.rounds; r++) {
    const t0 = performance.now();
    const tau = tauAt(r);
    const updates: ClientUpdate[] = [];
    const peerMetrics: PeerRoundMetrics[] = [];
    peers.forEach((peer, k) => {
      loadModelState(model, global, { configHash: config.configHash });
      const report = runLocalUpdate(config, model, peer, {
        round: r,
        tau,
        rng: root.fork(`round:${r}:peer:${peer.index}`),
        steps: settings.stepsPerPeer[k],
      });
      const state = extractModelState(model, { round: r + 1, configHash: config.configHash, meta: { tau } });
      updates.push({ id: `peer-${peer.index}`, state, sampleCount: peer.sampleCount });
      peerMetrics.push({
        index: peer.index,
        steps: report.steps,
        trainLoss: report.trainLoss,
        ...(report.queryLoss === undefined ? {} : { queryLoss: report.queryLoss }),
        bytes: bytesOf(state),
      });
    });
    const t1 = performance.now();
    const screened =
      config.screen === undefined
        ? { accepted: updates, rejected: [] }
        : screenUpdates(updates, { ...config.screen, reference: global, candidateOf });
    for (const { id, error } of screened.rejected) {
      const m = peerMetrics.find((p) => `peer-${p.index}` === id);
      if (m) m.rejected = `${error.name}: ${error.message}`;
    }
    if (screened.accepted.length === 0) {
      throw new EmptyAggregationError(
        `Error in runInProcessFederation: round ${r} must keep an update, found all ${updates.length} rejected`,
      );
    }
    const aggregated = aggregateStates(screened.accepted, {
      rule: config.rule ?? fedAvg(),
      reference: global,
      round: r + 1,
      configHash: config.configHash,
      candidateOf,
      meta: { tau },
    });
    const t2 = performance.now();
    let next = aggregated.state;
    let newlyPruned = 0;
    if (settings.pruning) {
      const pruned = pruneState(next, {
        tau,
        threshold: settings.pruneThreshold,
        prune: config.prune?.fn,
        candidateOf,
      });
      next = pruned.state;
      newlyPruned = pruned.newlyPruned;
    }
    global = next;
    loadModelState(model, global, { configHash: config.configHash });
    const t3 = performance.now();
    const last = r === settings.rounds - 1;
    const evaluated =
      last || (r + 1) % settings.evalEvery === 0
        ? evaluatePeers(config, model, peers, { tau, rng: root.fork(`eval:${r}`), mode: settings.evalMode })
        : undefined;
    evaluated?.perPeer.forEach((e, k) => (peerMetrics[k].test = e));
    evaluated?.personalized?.perPeer.forEach((e, k) => (peerMetrics[k].personalized = e));
    const t4 = performance.now();
    const metrics: RoundMetrics = {
      round: r,
      tau,
      ...(evaluated === undefined ? {} : { global: evaluated.global }),
      ...(evaluated?.personalized === undefined ? {} : { personalized: evaluated.personalized.global }),
      peers: peerMetrics,
      prunedCandidates: prunedCount(global.masks),
      newlyPruned,
      maskFallbacks: aggregated.fallbacks,
      globalBytes: bytesOf(global),
      timeMs: { local: t1 - t0, aggregate: t2 - t1, prune: t3 - t2, eval: t4 - t3, total: t4 - t0 },
      numTensors: tf.memory().numTensors,
    };
    rounds.push(metrics);
    config.onRound?.(metrics);
  }
  return { settings, initial, rounds, finalState: global };
}

function resolve(config: HarnessConfig, peers: readonly PeerData[]): ResolvedSettings {
  const fn = 'runInProcessFederation';
  const bad = (arg: string, expected: string, found: unknown): never => {
    throw new HarnessConfigError(`Error in ${fn}: ${arg} must be ${expected}, found ${found}`);
  };
  if (!HARNESS_METHODS.includes(config.method))
    bad('config.method', `one of ${HARNESS_METHODS.join(', ')}`, JSON.stringify(config.method));
  if (!Number.isInteger(config.rounds) || config.rounds < 1)
    bad('config.rounds', 'a positive integer', config.rounds);
  if (peers.length === 0) bad('peers', 'non-empty', 0);
  if (config.localSteps !== undefined && (!Number.isInteger(config.localSteps) || config.localSteps < 1)) {
    bad('config.localSteps', 'a positive integer', config.localSteps);
  }
  const evalEvery = config.eval?.every ?? DEFAULT_EVAL_EVERY;
  if (!Number.isInteger(evalEvery) || evalEvery < 1)
    bad('config.eval.every', 'a positive integer', evalEvery);
  const defaultEval: RelaxMode = config.method === 'fednas' ? 'softmax' : 'discrete';
  return {
    method: config.method,
    rounds: config.rounds,
    seed: config.seed,
    peers: peers.length,
    stepsPerPeer: peers.map((p) => stepsFor(config, p)),
    tauMax: config.tauMax ?? DEFAULT_TAU_MAX,
    tauMin: config.tauMin ?? DEFAULT_TAU_MIN,
    pruning: config.method === 'fedmetanas' || config.method === 'fedmetanas-nomaml',
    pruneThreshold: config.prune?.threshold ?? DEFAULT_PRUNE_THRESHOLD,
    rule: (config.rule ?? fedAvg()).name,
    evalMode: config.eval?.mode ?? defaultEval,
    evalEvery,
  };
}
