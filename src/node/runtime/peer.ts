import type { TensorEncoding } from '../../protocol/compression/container.js';
import { sha256Hex } from '../../protocol/hash.js';
import type { SearchRunConfig } from '../../run/config.js';
import { federationFor } from '../../run/network-config.js';
import { createFedNode, type FedNode, type FedNodeOptions } from '../peer.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { ClaimBook, type Claim } from './claims.js';
import { DEFAULT_KEEP_MODELS } from './constants.js';
import { ModelPullError, PeerStoppedError, RoundRestartError } from './errors.js';
import { UpdateInbox } from './inbox.js';
import type { DoneRecord, ProgressSink, RoundRecord } from './progress.js';
import { RoundRunner, type RoundOutcome } from './round.js';
import { otherRecords, setLocalState, type RoundContext } from './round-context.js';
import { pullModel } from './round-end.js';
import { joinFederation } from './join.js';
import { resolveRoundSettings, type RoundSettings } from './settings.js';
import { Trainer } from './trainer.js';
import type { TrainerInfo } from './trainer-messages.js';
import { Wakeup } from './wake.js';

/** Options of `Peer.start`. */
export interface PeerOptions {
  config: SearchRunConfig;
  /** This peer's index (its shard), `0..config.peers-1`. */
  index: number;
  /** Identity, blobs, event log, checkpoint. */
  dataDir: string;
  /** Default `federationFor(config)`. */
  federation?: string;
  encoding?: TensorEncoding;
  topkRatio?: number;
  round?: Partial<RoundSettings>;
  /** libp2p options (listen, announce, bootstrap, psk, identity file, allowlist, timeouts). */
  node?: Omit<FedNodeOptions, 'federation' | 'dataDir'>;
  onProgress?: ProgressSink;
  trainerTimeoutMs?: number;
}

/**
 * One peer of a serverless federation: a libp2p node (main thread: networking and the round state
 * machine), its shard, and a trainer worker. `run()` joins the federation (resuming from the checkpoint
 * in the data dir, catching up when others are ahead), runs rounds until the last, evaluates the final
 * model on the global test set, and keeps serving it until the other live peers have it.
 */
export class Peer {
  private readonly models: string[] = [];
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly node: FedNode,
    private readonly trainer: Trainer,
    readonly info: TrainerInfo,
    private readonly ctx: RoundContext,
    private readonly stopper: AbortController,
    private readonly opts: PeerOptions,
    private round: number,
    private global: Uint8Array,
  ) {}

  /** Start the node (listening for announcements at once), then the trainer; load the checkpoint; report `ready`. */
  static async start(opts: PeerOptions): Promise<Peer> {
    const settings = resolveRoundSettings({ minPeers: opts.config.peers, ...opts.round });
    const federation = opts.federation ?? federationFor(opts.config);
    const node = await createFedNode({ ...opts.node, federation, dataDir: opts.dataDir });
    const wake = new Wakeup();
    const claims = new ClaimBook(federation, wake);
    node.announcements.onAnnouncement((r) =>
      claims.add({ ...r.announcement, receivedAt: Date.now(), source: 'announcement' }),
    );
    node.heartbeats.onHeartbeat(() => wake.notify());
    let trainer: Trainer | undefined;
    try {
      const started = await Trainer.start(
        {
          config: opts.config,
          index: opts.index,
          encoding: opts.encoding ?? 'fp32',
          topkRatio: opts.topkRatio,
        },
        { timeoutMs: opts.trainerTimeoutMs },
      );
      trainer = started.trainer;
      const info = started.info;
      node.state = { round: 0, modelHash: '', sampleCount: info.sampleCount, status: 'joining' };
      const checkpoint = await loadCheckpoint(opts.dataDir, { federation, configHash: info.configHash });
      const inbox = new UpdateInbox({ federation, tensors: info.tensorSpec, events: node.events, wake });
      node.updates.setHandler(inbox);
      const round = checkpoint?.meta.round ?? 0;
      const global = checkpoint?.model ?? info.initial;
      const stopper = new AbortController();
      const schedule = {
        seed: opts.config.seed,
        rounds: opts.config.rounds,
        tauMax: opts.config.tauMax,
        tauMin: opts.config.tauMin,
      };
      const ctx: RoundContext = {
        node,
        trainer,
        info,
        inbox,
        claims,
        wake,
        settings,
        schedule,
        signal: stopper.signal,
      };
      const peer = new Peer(node, trainer, info, ctx, stopper, opts, round, global);
      setLocalState(ctx, { round, modelHash: sha256Hex(global), status: 'joining' });
      opts.onProgress?.({
        type: 'ready',
        index: opts.index,
        peer: node.peerId.toString(),
        addrs: node.addrs(),
        federation,
        round,
        ...(checkpoint ? { resumedFrom: round } : {}),
        initialHash: info.initialHash,
        sampleCount: info.sampleCount,
        backend: info.backend.name,
      });
      return peer;
    } catch (err) {
      await node.stop().catch(() => {});
      await trainer?.stop();
      throw err;
    }
  }

  /** Run every remaining round, then finish; resolves with the final record. */
  async run(): Promise<DoneRecord> {
    const started = Date.now();
    const { rounds } = this.opts.config;
    let previous: Claim | undefined;
    let participate = false;
    if (this.round < rounds) {
      const joined = await joinFederation(this.ctx, { round: this.round, hash: sha256Hex(this.global) });
      if (joined.kind === 'catch-up') await this.adoptModel(joined.claim, joined.model);
      participate = joined.kind === 'participate';
    }
    while (this.round < rounds) {
      let outcome: RoundOutcome;
      try {
        outcome = await new RoundRunner(this.ctx, {
          round: this.round,
          global: this.global,
          hash: sha256Hex(this.global),
          participate,
          ...(previous ? { previous } : {}),
        }).run();
      } catch (err) {
        if (!(err instanceof RoundRestartError)) throw err;
        const pulled = await pullModel(
          this.ctx,
          err.claim,
          Date.now() + this.ctx.settings.maxRoundMs,
          this.ctx.signal,
        );
        previous = err.claim;
        await this.adoptModel(err.claim, pulled.bytes);
        participate = true;
        continue;
      }
      await this.adoptModel(outcome.claim, outcome.model);
      await this.report(outcome);
      previous = outcome.claim;
      participate = true;
    }
    return this.finish(started);
  }

  /** Stop the node (announcing that this peer leaves) and the trainer; idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopper.abort(new PeerStoppedError('Error in Peer.stop: peer must be running, found it stopped'));
      await this.node.stop().catch(() => {});
      await this.trainer.stop();
    })();
    return this.stopped;
  }

  /** Check a pulled model (round, config), make it current, checkpoint it, drop old blobs. */
  private async adoptModel(claim: Claim, model: Uint8Array): Promise<void> {
    const inspected = await this.trainer.call('inspect', { global: model }, { signal: this.ctx.signal });
    if (inspected.modelRound !== claim.round + 1) {
      throw new ModelPullError(
        `Error in Peer.adoptModel: model ${claim.contentHash} must be the result of round ${claim.round} (stamped ${claim.round + 1}), found stamped ${inspected.modelRound}`,
      );
    }
    this.round = claim.round + 1;
    this.global = model;
    const meta = await saveCheckpoint(
      this.opts.dataDir,
      {
        round: this.round,
        federation: this.node.federation,
        configHash: this.info.configHash,
        aggregator: claim.aggregator,
        contributors: claim.contributors,
      },
      model,
    );
    this.node.events.record({
      type: 'checkpoint',
      round: this.round,
      hash: meta.hash,
      bytes: model.byteLength,
    });
    setLocalState(this.ctx, { round: this.round, modelHash: meta.hash, status: 'idle' });
    await this.node.store.put(model);
    this.models.push(meta.hash);
    while (this.models.length > DEFAULT_KEEP_MODELS) {
      const old = this.models.shift() as string;
      await this.node.store.delete(old).catch(() => false);
    }
  }

  /** Evaluate the adopted model (on evaluation rounds) and report the round. */
  private async report(o: RoundOutcome): Promise<void> {
    const { config } = this.opts;
    const r = o.claim.round;
    const last = r === config.rounds - 1;
    const t0 = Date.now();
    const evaluated =
      last || (r + 1) % this.info.evalEvery === 0
        ? await this.trainer.call(
            'evaluate',
            { round: r, tau: o.tau, global: o.model },
            { signal: this.ctx.signal },
          )
        : undefined;
    const evalMs = Date.now() - t0;
    if (evaluated) {
      this.node.events.record({
        type: 'metrics',
        msg: 'eval',
        round: r,
        accuracy: evaluated.local.accuracy,
        loss: evaluated.local.loss,
        count: evaluated.local.count,
        latencyMs: evaluated.ms,
        numTensors: evaluated.numTensors,
      });
    }
    const record: RoundRecord = {
      type: 'round',
      index: this.opts.index,
      peer: this.node.peerId.toString(),
      round: r,
      rounds: config.rounds,
      aggregator: o.claim.aggregator,
      contributors: o.claim.contributors,
      hash: o.claim.contentHash,
      bytes: o.model.byteLength,
      source: o.claim.source,
      participated: o.trained !== undefined,
      updateBytes: o.trained?.body.byteLength ?? 0,
      pushes: o.pushedTo.length,
      tau: o.tau,
      ...(o.trained ? { trainLoss: o.trained.trainLoss } : {}),
      ...(evaluated ? { local: evaluated.local } : {}),
      ...(evaluated?.personalized ? { personalized: evaluated.personalized } : {}),
      ...(o.aggregated && o.claim.source === 'self'
        ? {
            aggregation: {
              reason: o.aggregated.reason,
              newlyPruned: o.aggregated.newlyPruned,
              prunedCandidates: o.aggregated.prunedCandidates,
              ms: o.aggregated.ms,
            },
          }
        : {}),
      phases: { ...o.phases, eval: evalMs },
      numTensors: evaluated?.numTensors ?? o.trained?.numTensors ?? 0,
      at: new Date().toISOString(),
    };
    this.opts.onProgress?.(record);
  }

  /** Final evaluation and genotype, then linger until the other live peers hold the final model. */
  private async finish(started: number): Promise<DoneRecord> {
    const { config } = this.opts;
    const hash = sha256Hex(this.global);
    setLocalState(this.ctx, { round: config.rounds, modelHash: hash, status: 'idle' });
    const final = await this.trainer.call('finish', { global: this.global }, { signal: this.ctx.signal });
    const done: DoneRecord = {
      type: 'done',
      index: this.opts.index,
      peer: this.node.peerId.toString(),
      rounds: config.rounds,
      hash,
      globalTest: final.globalTest,
      genotype: final.genotype,
      dartsGenotype: final.dartsGenotype,
      prunedCandidates: final.prunedCandidates,
      wallTimeMs: Date.now() - started,
      numTensors: final.numTensors,
    };
    this.node.events.record({
      type: 'metrics',
      msg: 'final',
      round: config.rounds,
      hash,
      accuracy: final.globalTest.accuracy,
      loss: final.globalTest.loss,
      count: final.globalTest.count,
      genotype: final.dartsGenotype,
    });
    this.opts.onProgress?.(done);
    await this.linger();
    return done;
  }

  private async linger(): Promise<void> {
    const { settings, wake } = this.ctx;
    const deadline = Date.now() + settings.lingerMs;
    while (Date.now() < deadline) {
      const behind = otherRecords(this.ctx).filter((r) => r.round < this.opts.config.rounds);
      if (behind.length === 0) return;
      await wake.wait(settings.tickMs, this.ctx.signal).catch(() => {});
      if (this.ctx.signal.aborted) return;
    }
    this.node.events.record({
      type: 'error',
      msg: 'linger',
      detail: `stopped serving with peers still behind after ${settings.lingerMs} ms`,
    });
  }
}
