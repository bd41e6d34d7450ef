import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '../../data/registry.js';
import type { Dataset } from '../../data/types.js';
import { toDartsString } from '../../nas/genotype/darts_string.js';
import { aggregateStates, type ClientUpdate } from '../../nas/aggregate/aggregate-states.js';
import { fedAvg } from '../../nas/aggregate/fedavg.js';
import { prunedCount, pruneState } from '../../nas/aggregate/prune.js';
import { evaluatePeers } from '../../nas/harness/evaluate-peers.js';
import { DEFAULT_EVAL_EVERY } from '../../nas/harness/constants.js';
import { runLocalUpdate, stepsFor } from '../../nas/harness/local-update.js';
import type { HarnessConfig } from '../../nas/harness/types.js';
import { DEFAULT_PRUNE_THRESHOLD } from '../../nas/pruning.js';
import type { Supernet } from '../../nas/space/supernet.js';
import { createSupernet } from '../../nas/space/supernet.js';
import { decodeModelState, encodeModelState } from '../../nas/state/codec.js';
import { hashConfig } from '../../nas/state/config-hash.js';
import { extractModelState, loadModelState } from '../../nas/state/model-io.js';
import type { ModelState } from '../../nas/state/types.js';
import type { RelaxMode } from '../../nas/types.js';
import { sha256Hex } from '../../protocol/hash.js';
import { harnessConfigFor } from '../../run/harness-config.js';
import type { ShardPeerData } from '../../run/peer-data.js';
import { peerShardData } from '../../run/peer-shard.js';
import { evaluateGlobalTest, genotypeOfState, spaceForDataset } from '../../run/search.js';
import { initBackend, type BackendInfo } from '../../tensor/backend.js';
import { Rng } from '../../util/rng.js';
import { PEER_INDEX_TENSOR } from './constants.js';
import { RuntimeConfigError, UpdateDecodeError } from './errors.js';
import type {
  AggregateRequest,
  AggregateResult,
  EvaluateRequest,
  EvaluateResult,
  FinishRequest,
  FinishResult,
  InspectRequest,
  InspectResult,
  TrainerInfo,
  TrainerInit,
  TrainRequest,
  TrainResult,
} from './trainer-messages.js';
import { decodeUpdateState, encodeUpdateState, UPDATE_SECTIONS, updateTensorName } from './update-codec.js';

/** Global models kept decoded (the current base and the one being built). */
const DECODED_CACHE_SIZE = 2;

/**
 * One peer's engine: its model (built from the run seed, so every peer starts from the identical G_0),
 * its shard, and the harness's local update, aggregation, pruning and evaluation. Synchronous and
 * CPU-heavy: the runtime runs it in a worker thread (`trainer-worker.ts`); tests may run it directly.
 * Every call loads the global model it is given into the model first, so calls are independent.
 */
export class TrainerEngine {
  private residual: Record<string, Float32Array> | undefined;
  private readonly decoded = new Map<string, ModelState>();
  private readonly root: Rng;
  private readonly steps: number;

  private constructor(
    private readonly init: TrainerInit,
    private readonly backend: BackendInfo,
    private readonly dataset: Dataset,
    private readonly peer: ShardPeerData,
    private readonly model: Supernet,
    private readonly harness: HarnessConfig,
    private readonly configHash: string,
    private readonly initialState: ModelState,
  ) {
    this.root = new Rng(init.config.seed);
    this.steps = stepsFor(harness, peer);
  }

  /** Start the backend, load the dataset, compute this peer's shard alone, and build the seeded model. */
  static async create(init: TrainerInit): Promise<TrainerEngine> {
    const { config, index } = init;
    if (!Number.isInteger(index) || index < 0 || index >= config.peers) {
      throw new RuntimeConfigError(
        `Error in TrainerEngine.create: index must be an integer in [0, ${config.peers - 1}], found ${index}`,
      );
    }
    const backend = await initBackend(config.backend);
    const dataset = await loadDataset(config.dataset, config.dataDir ? { dataDir: config.dataDir } : {});
    const space = spaceForDataset(config, dataset);
    const configHash = hashConfig({ space, method: config.method });
    const peer = peerShardData(dataset, config, index);
    const model = createSupernet(space, { seed: config.seed });
    const initial = extractModelState(model, { round: 0, configHash });
    const harness = harnessConfigFor(config, configHash);
    return new TrainerEngine(init, backend, dataset, peer, model, harness, configHash, initial);
  }

  /** What the runtime needs to know about this peer and its model. */
  info(): TrainerInfo {
    const initial = encodeModelState(this.initialState);
    const tensorSpec: Record<string, number[]> = { [PEER_INDEX_TENSOR]: [1] };
    const all = { weights: this.model.weights, alphas: this.model.alphas, buffers: this.model.buffers };
    for (const section of UPDATE_SECTIONS) {
      for (const [name, v] of all[section]) tensorSpec[updateTensorName(section, name)] = [...v.shape];
    }
    return {
      index: this.init.index,
      sampleCount: this.peer.sampleCount,
      testCount: this.peer.testCount,
      steps: this.steps,
      configHash: this.configHash,
      initial,
      initialHash: sha256Hex(initial),
      tensorSpec,
      backend: this.backend,
      evalMode: this.evalMode(),
      evalEvery: this.harness.eval?.every ?? DEFAULT_EVAL_EVERY,
      pruning: this.pruning(),
      numTensors: tf.memory().numTensors,
    };
  }

  /** The harness's local update of `round` for this peer, from `global`, encoded for the wire. */
  train(req: TrainRequest): TrainResult {
    const started = performance.now();
    const base = this.load(req.global);
    const report = runLocalUpdate(this.harness, this.model, this.peer, {
      round: req.round,
      tau: req.tau,
      rng: this.root.fork(`round:${req.round}:peer:${this.init.index}`),
      steps: this.steps,
    });
    const state = extractModelState(this.model, {
      round: req.round + 1,
      configHash: this.configHash,
      meta: { tau: req.tau },
    });
    const encoded = encodeUpdateState(state, {
      encoding: this.init.encoding,
      peerIndex: this.init.index,
      base,
      ...(this.init.topkRatio === undefined ? {} : { ratio: this.init.topkRatio }),
      ...(this.residual === undefined ? {} : { residual: this.residual }),
    });
    if (encoded.residual !== undefined) this.residual = encoded.residual;
    return {
      body: encoded.body,
      encoding: encoded.encoding,
      sampleCount: this.peer.sampleCount,
      steps: report.steps,
      trainLoss: report.trainLoss,
      ...(report.queryLoss === undefined ? {} : { queryLoss: report.queryLoss }),
      stateBytes: encodeModelState(state).byteLength,
      ms: performance.now() - started,
      numTensors: tf.memory().numTensors,
    };
  }

  /**
   * The harness's aggregation step on received updates: updates ordered by peer index, `aggregateStates`
   * (FedAvg by sample count, reference = the round's base model), then `pruneState` for the pruning
   * methods, with the round's temperature and the run's threshold. Pure: the model is not touched.
   */
  aggregate(req: AggregateRequest): AggregateResult {
    const started = performance.now();
    const fn = 'TrainerEngine.aggregate';
    const base = this.decode(req.global);
    const decoded = req.updates.map((u) => ({ ...decodeUpdateState(u.body, base), from: u.from, u }));
    decoded.sort((a, b) => a.peerIndex - b.peerIndex);
    const seen = new Set<number>();
    for (const d of decoded) {
      if (seen.has(d.peerIndex)) {
        throw new UpdateDecodeError(
          `Error in ${fn}: peer indices must be distinct, found ${d.peerIndex} twice (last from ${d.from})`,
        );
      }
      seen.add(d.peerIndex);
    }
    const updates: ClientUpdate[] = decoded.map((d) => ({
      id: `peer-${d.peerIndex}`,
      state: { ...d.state, round: req.round + 1, meta: { tau: req.tau } },
      sampleCount: d.u.sampleCount,
    }));
    const candidateOf = (name: string) => this.model.candidateOf(name);
    const aggregated = aggregateStates(updates, {
      rule: fedAvg(),
      reference: base,
      round: req.round + 1,
      configHash: this.configHash,
      candidateOf,
      meta: { tau: req.tau },
    });
    let next = aggregated.state;
    let newlyPruned = 0;
    if (this.pruning()) {
      const pruned = pruneState(next, {
        tau: req.tau,
        threshold: this.harness.prune?.threshold ?? DEFAULT_PRUNE_THRESHOLD,
        candidateOf,
      });
      next = pruned.state;
      newlyPruned = pruned.newlyPruned;
    }
    const global = encodeModelState(next);
    this.remember(sha256Hex(global), next);
    return {
      global,
      contributors: decoded.map((d) => d.from),
      indices: decoded.map((d) => d.peerIndex),
      sampleCount: updates.reduce((s, u) => s + u.sampleCount, 0),
      newlyPruned,
      prunedCandidates: prunedCount(next.masks),
      fallbacks: aggregated.fallbacks,
      ms: performance.now() - started,
      numTensors: tf.memory().numTensors,
    };
  }

  /** The harness's evaluation of the global model after `round` on this peer's local test split. */
  evaluate(req: EvaluateRequest): EvaluateResult {
    const started = performance.now();
    const state = this.load(req.global);
    const result = evaluatePeers(this.harness, this.model, [this.peer], {
      tau: req.tau,
      rng: this.root.fork(`eval:${req.round}`),
      mode: this.evalMode(),
    });
    const personalized = result.personalized?.perPeer[0];
    return {
      local: result.perPeer[0],
      ...(personalized === undefined ? {} : { personalized }),
      modelRound: state.round,
      configHash: state.configHash,
      ms: performance.now() - started,
      numTensors: tf.memory().numTensors,
    };
  }

  /** The final model on the dataset's global test set (as `runSearch` evaluates it) and its genotype. */
  finish(req: FinishRequest): FinishResult {
    const started = performance.now();
    const state = this.load(req.global);
    const globalTest = evaluateGlobalTest(this.model, this.dataset, [this.peer], {
      mode: this.evalMode(),
      seed: this.init.config.seed,
      batchSize: this.init.config.evalBatchSize,
    });
    const genotype = genotypeOfState(state, this.model.config);
    return {
      globalTest,
      genotype,
      dartsGenotype: toDartsString(genotype),
      prunedCandidates: prunedCount(state.masks),
      ms: performance.now() - started,
      numTensors: tf.memory().numTensors,
    };
  }

  /** Decode a model and report its round and config hash (checked against this run's). */
  inspect(req: InspectRequest): InspectResult {
    const state = this.decode(req.global);
    return { modelRound: state.round, configHash: state.configHash };
  }

  /** Free the model's variables. */
  dispose(): void {
    this.model.dispose();
    this.decoded.clear();
  }

  private pruning(): boolean {
    return this.harness.method === 'fedmetanas' || this.harness.method === 'fedmetanas-nomaml';
  }

  private evalMode(): RelaxMode {
    return this.harness.eval?.mode ?? (this.harness.method === 'fednas' ? 'softmax' : 'discrete');
  }

  /** Decode `bytes` (cached by hash) and check its config hash. */
  private decode(bytes: Uint8Array): ModelState {
    const hash = sha256Hex(bytes);
    const cached = this.decoded.get(hash);
    if (cached !== undefined) return cached;
    const state = decodeModelState(bytes, 'TrainerEngine');
    if (state.configHash !== this.configHash) {
      throw new UpdateDecodeError(
        `Error in TrainerEngine: model configHash must be ${this.configHash}, found ${state.configHash}`,
      );
    }
    this.remember(hash, state);
    return state;
  }

  private load(bytes: Uint8Array): ModelState {
    const state = this.decode(bytes);
    loadModelState(this.model, state, { configHash: this.configHash });
    return state;
  }

  private remember(hash: string, state: ModelState): void {
    this.decoded.delete(hash);
    this.decoded.set(hash, state);
    while (this.decoded.size > DECODED_CACHE_SIZE) {
      const oldest = this.decoded.keys().next().value as string;
      this.decoded.delete(oldest);
    }
  }
}
