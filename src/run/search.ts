import * as tf from '@tensorflow/tfjs-core';
import { partition } from '../data/partition/index.js';
import { loadDataset } from '../data/registry.js';
import { splitAll } from '../data/split.js';
import type { Dataset } from '../data/types.js';
import {
  cellToDot,
  deriveGenotype,
  genotypeToJSON,
  toDartsString,
  type Genotype,
} from '../nas/genotype/index.js';
import { runInProcessFederation } from '../nas/harness/run.js';
import type { HarnessResult, RoundMetrics } from '../nas/harness/types.js';
import { evaluate, type EvalResult } from '../nas/learn/evaluate.js';
import { recalibrateBatchNorm } from '../nas/learn/recalibrate.js';
import { createSupernet, type Supernet } from '../nas/space/supernet.js';
import { resolveSearchSpace, type SearchSpaceConfig } from '../nas/space/config.js';
import { hashConfig } from '../nas/state/config-hash.js';
import { saveModelStateFile } from '../nas/state/file.js';
import type { ModelState } from '../nas/state/types.js';
import type { RelaxMode, SearchModel } from '../nas/types.js';
import { initBackend, type BackendInfo } from '../tensor/backend.js';
import { Rng } from '../util/rng.js';
import type { SearchRunConfig } from './config.js';
import { harnessConfigFor } from './harness-config.js';
import { retrainDerivedNetwork } from './retrain.js';
import { DatasetTestSource, ShardPeerData } from './peer-data.js';
import { defaultRunName, RunFolder } from './run-folder.js';

/** What a finished search run reports (also written as `summary.json`). */
export interface SearchSummary {
  runDir: string;
  method: string;
  rounds: number;
  peers: number;
  /** Global model before the first round and after the last, on the peers' pooled local test splits. */
  initial: EvalResult;
  final: EvalResult | undefined;
  /** The final model on the dataset's global test set (derived network for FedMetaNAS and FedAvg). */
  globalTest: EvalResult;
  genotype: Genotype;
  dartsGenotype: string;
  prunedCandidates: number;
  wallTimeMs: number;
  /** Wall time of the search rounds and of the retraining stage (0 without one). */
  searchTimeMs: number;
  retrainTimeMs: number;
  /** Rounds of the retraining stage (absent without one). */
  retrainRounds?: number;
  backend: BackendInfo;
}

/** Progress hooks of `runSearch`. */
export interface SearchHooks {
  onStart?: (info: {
    runDir: string;
    dataset: Dataset;
    backend: BackendInfo;
    space: SearchSpaceConfig;
  }) => void;
  /** Every round of the search, then of the retraining stage when there is one. */
  onRound?: (metrics: RoundMetrics, stage: 'search' | 'retrain') => void;
}

/** The search space for a dataset: the run's space settings plus the dataset's shape and classes. */
export function spaceForDataset(config: SearchRunConfig, dataset: Dataset): SearchSpaceConfig {
  return resolveSearchSpace({
    ...config.space,
    inChannels: dataset.channels === 1 ? 1 : 3,
    imageSize: dataset.height,
    numClasses: dataset.numClasses,
  });
}

/** The genotype the alphas and masks of a model state derive. */
export function genotypeOfState(state: ModelState, space: SearchSpaceConfig): Genotype {
  const alphas = new Map(Object.entries(state.alphas).map(([k, v]) => [k, v.data]));
  const masks = new Map(Object.entries(state.masks));
  return deriveGenotype({ alphas, masks, ops: space.ops, nodes: space.nodes }, space.deriveRule);
}

/**
 * The final network on the dataset's global test set: its BN running statistics are first recomputed
 * over the given peers' training data (all peers in one process; a peer's own data on the network), as
 * every evaluation during the run does.
 */
export function evaluateGlobalTest(
  model: SearchModel,
  dataset: Dataset,
  peers: readonly ShardPeerData[],
  opts: { mode: RelaxMode; seed: number; batchSize: number },
): EvalResult {
  recalibrateBatchNorm(model, peers, {
    mode: opts.mode,
    rng: new Rng(opts.seed).fork('recalibrate:global'),
    weights: peers.map((p) => p.sampleCount),
  });
  return evaluate(model, new DatasetTestSource(dataset), { mode: opts.mode, batchSize: opts.batchSize });
}

/**
 * A local multi-peer search in one process: load the dataset, give every peer its shard and splits,
 * run the federated rounds, evaluate the final network on the global test set, and write the run
 * folder: `config.json` (effective config, backend, versions), `rounds.jsonl`, `summary.json`,
 * `model.fmns`, `genotype.json`, `genotype.txt` (DARTS string), `normal.dot`, `reduce.dot`.
 */
export async function runSearch(config: SearchRunConfig, hooks: SearchHooks = {}): Promise<SearchSummary> {
  const started = performance.now();
  const backend = await initBackend(config.backend);
  const dataset = await loadDataset(config.dataset, config.dataDir ? { dataDir: config.dataDir } : {});
  const space = spaceForDataset(config, dataset);
  const spec = { ...config.partition, numPeers: config.peers, seed: config.seed };
  const shards = partition(dataset.train.labels, spec);
  const splits = splitAll(shards, dataset.train.labels, config.seed, { fractions: config.split });
  const peers = splits.map((s, i) => new ShardPeerData(i, dataset, s));
  const name =
    config.name ?? defaultRunName(`${config.method}-${dataset.name}-${spec.scheme}-s${config.seed}`);
  const folder = await RunFolder.create(config.out, name);
  const configHash = hashConfig({ space, method: config.method });
  await folder.writeJson('config.json', {
    ...config,
    partition: spec,
    resolvedSpace: space,
    configHash,
    backend,
    dataset: {
      name: dataset.name,
      source: dataset.source,
      train: dataset.train.count,
      test: dataset.test.count,
    },
    shardSizes: shards.map((s) => s.length),
    createdAt: new Date().toISOString(),
  });
  hooks.onStart?.({ runDir: folder.path, dataset, backend, space });

  const searchModel = createSupernet(space, { seed: config.seed });
  let model: Supernet = searchModel;
  try {
    const harness = harnessConfigFor(config, configHash);
    const searchStart = performance.now();
    const searched = runInProcessFederation(searchModel, peers, {
      ...harness,
      onRound: (m) => {
        folder.appendJsonl('rounds.jsonl', { stage: 'search', ...m });
        hooks.onRound?.(m, 'search');
      },
    });
    const searchTimeMs = performance.now() - searchStart;
    const genotype = genotypeOfState(searched.finalState, space);
    let result: HarnessResult = searched;
    let retrainTimeMs = 0;
    if (config.retrainRounds > 0) {
      const retrainStart = performance.now();
      const retrained = retrainDerivedNetwork(
        searched.finalState,
        genotype,
        space,
        peers,
        { ...harness, rounds: config.retrainRounds },
        (m) => {
          folder.appendJsonl('rounds.jsonl', { stage: 'retrain', ...m });
          hooks.onRound?.(m, 'retrain');
        },
      );
      model = retrained.model;
      result = retrained.result;
      retrainTimeMs = performance.now() - retrainStart;
    }
    const evalMode = result.settings.evalMode;
    const globalTest = evaluateGlobalTest(model, dataset, peers, {
      mode: evalMode,
      seed: config.seed,
      batchSize: config.evalBatchSize,
    });
    await saveModelStateFile(folder.file('model.fmns'), result.finalState);
    await folder.writeText('genotype.json', `${genotypeToJSON(genotype, 2)}\n`);
    await folder.writeText('genotype.txt', `${toDartsString(genotype)}\n`);
    await folder.writeText('normal.dot', cellToDot(genotype, 'normal'));
    await folder.writeText('reduce.dot', cellToDot(genotype, 'reduce'));
    const last = searched.rounds[searched.rounds.length - 1];
    const summary: SearchSummary = {
      runDir: folder.path,
      method: config.method,
      rounds: searched.rounds.length,
      peers: peers.length,
      initial: searched.initial,
      final: [...result.rounds].reverse().find((r) => r.global)?.global,
      globalTest,
      genotype,
      dartsGenotype: toDartsString(genotype),
      prunedCandidates: last?.prunedCandidates ?? 0,
      wallTimeMs: performance.now() - started,
      searchTimeMs,
      retrainTimeMs,
      ...(config.retrainRounds > 0 ? { retrainRounds: config.retrainRounds } : {}),
      backend,
    };
    await folder.writeJson('summary.json', {
      ...summary,
      settings: searched.settings,
      evalMode,
      numTensors: tf.memory().numTensors,
    });
    return summary;
  } finally {
    if (model !== searchModel) model.dispose();
    searchModel.dispose();
  }
}
