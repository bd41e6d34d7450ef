import { peerIdFromString } from '@libp2p/peer-id';
import { linearTau } from '../../nas/anneal.js';
import type { ElectionView } from '../../protocol/election.js';
import type { PeerStatus } from '../../protocol/membership.js';
import { sampleParticipants } from '../../protocol/sampling.js';
import { UpdateRejectedError } from '../errors.js';
import { publishClaim } from './announce.js';
import { errorMessage } from '../signal.js';
import type { Claim } from './claims.js';
import {
  peerIsLive,
  peerIsReady,
  readyOthers,
  selfId,
  setLocalState,
  type RoundContext,
} from './round-context.js';
import { awaitClaim, pullModel } from './round-end.js';
import { collectDecision, currentAggregator, type AggregatorDecision } from './round-plan.js';
import type { AggregateResult, TrainResult } from './trainer-messages.js';
import { backoffMs, sleep } from './wake.js';

/** Where a round starts from. */
export interface RoundStart {
  round: number;
  /** The global model G_round (encoded) and its hash. */
  global: Uint8Array;
  hash: string;
  /** Train and push this round (false while catching up: only wait for the round's end). */
  participate: boolean;
  /** Claim adopted for the previous round. */
  previous?: Claim;
}

/** Wall time of each phase of a round on this peer, milliseconds. */
export interface RoundPhases {
  train: number;
  push: number;
  wait: number;
  aggregate: number;
  pull: number;
}

/** How a round ended on this peer. */
export interface RoundOutcome {
  /** The adopted claim (its round may be later than the one started when this peer fell behind). */
  claim: Claim;
  /** The adopted global model G_{claim.round + 1}. */
  model: Uint8Array;
  tau: number;
  trained?: TrainResult;
  pushedTo: string[];
  pushedBytes: number;
  aggregated?: AggregateResult & { reason: string };
  phases: RoundPhases;
  participants: string[];
}

/**
 * One round on one peer. At start it snapshots the ready live members (the election view) and samples
 * the participants; then, concurrently: (1) when participating, the local update in the trainer worker,
 * then pushes of the update to whoever is in charge (`currentAggregator`), again whenever that changes;
 * (2) when this peer is in charge, collection until `collectDecision` says so, aggregation in the worker,
 * and a signed announcement; (3) the wait for the claim that ends the round (`awaitClaim`), after which
 * the model is pulled and verified. Every peer holds every update it receives, so any of them can take
 * over aggregation.
 */
export class RoundRunner {
  private readonly self: string;
  private readonly startedAt = Date.now();
  private readonly ac = new AbortController();
  private readonly signal: AbortSignal;
  private readonly view: ElectionView;
  private readonly participants: string[];
  private readonly participating: boolean;
  private readonly tau: number;
  private lastChoice: AggregatorDecision | undefined;
  private inCharge = false;
  private pushDone = false;
  private trained: TrainResult | undefined;
  private aggregated: (AggregateResult & { reason: string }) | undefined;
  private readonly pushedTo: string[] = [];
  private pushedBytes = 0;
  private readonly phases: RoundPhases = { train: 0, push: 0, wait: 0, aggregate: 0, pull: 0 };

  constructor(
    private readonly ctx: RoundContext,
    private readonly start: RoundStart,
  ) {
    this.self = selfId(ctx);
    this.signal = AbortSignal.any([ctx.signal, this.ac.signal]);
    const { schedule, settings } = ctx;
    this.tau = linearTau(start.round, schedule.rounds, schedule.tauMax, schedule.tauMin);
    const others = readyOthers(ctx).map((r) => r.peer);
    const candidates = [
      ...new Set(start.participate || others.length === 0 ? [...others, this.self] : others),
    ].sort();
    this.view = { federation: ctx.node.federation, peers: candidates };
    this.participants =
      settings.participation < 1
        ? sampleParticipants(candidates, {
            federation: ctx.node.federation,
            round: start.round,
            seed: schedule.seed,
            fraction: settings.participation,
          })
        : candidates;
    this.participating = start.participate && this.participants.includes(this.self);
  }

  /** Run the round to its end; see the class comment. */
  async run(): Promise<RoundOutcome> {
    const { ctx, start } = this;
    ctx.inbox.open(start.round, start.hash);
    this.updateStatus();
    ctx.node.events.record({
      type: 'round',
      msg: 'start',
      round: start.round,
      hash: start.hash,
      tau: this.tau,
      view: this.view.peers,
      participants: this.participants,
      participate: this.participating,
    });
    const work = this.participating ? this.trainAndPush().catch((e) => this.failed('train', e)) : undefined;
    const aggregation = this.aggregateWhenInCharge().catch((e) => this.failed('aggregate', e));
    let claim: Claim;
    try {
      claim = await awaitClaim(
        ctx,
        {
          round: start.round,
          hash: start.hash,
          startedAt: this.startedAt,
          view: this.view,
          ...(start.previous ? { previous: start.previous } : {}),
        },
        ctx.signal,
      );
    } finally {
      this.ac.abort();
      this.inCharge = false;
    }
    await Promise.allSettled([work, aggregation]);
    const waitStart = this.startedAt + this.phases.train + this.phases.push;
    this.phases.wait = Math.max(0, Date.now() - waitStart);
    ctx.node.events.record({
      type: 'round',
      msg: 'claim-adopted',
      round: claim.round,
      peer: claim.aggregator,
      hash: claim.contentHash,
      source: claim.source,
      contributors: claim.contributors,
    });
    const pulled = await pullModel(ctx, claim, this.startedAt + ctx.settings.maxRoundMs, ctx.signal);
    this.phases.pull = pulled.ms;
    this.recordPhases(claim);
    return {
      claim,
      model: pulled.bytes,
      tau: this.tau,
      ...(this.trained ? { trained: this.trained } : {}),
      pushedTo: this.pushedTo,
      pushedBytes: this.pushedBytes,
      ...(this.aggregated ? { aggregated: this.aggregated } : {}),
      phases: this.phases,
      participants: this.participants,
    };
  }

  /** The aggregator in charge now; logs the election and every later change (failover). */
  private decide(): AggregatorDecision {
    const now = Date.now();
    const choice = currentAggregator(
      this.view,
      this.start.round,
      now - this.startedAt,
      this.ctx.settings.failoverDeadlineMs,
      (p) => peerIsLive(this.ctx, p, now),
    );
    const prev = this.lastChoice;
    if (prev === undefined || prev.peer !== choice.peer || prev.rank !== choice.rank) {
      this.lastChoice = choice;
      this.ctx.node.events.record({
        type: prev === undefined ? 'election' : 'failover',
        round: this.start.round,
        peer: choice.peer,
        rank: choice.rank,
        slotRank: choice.slotRank,
        reason: choice.reason,
        skipped: choice.skipped,
        view: this.view.peers,
        ranking: choice.ranking,
        self: choice.peer === this.self,
        ...(prev === undefined ? {} : { from: prev.peer }),
        elapsedMs: now - this.startedAt,
      });
    }
    return choice;
  }

  private async trainAndPush(): Promise<void> {
    const { ctx, start } = this;
    const t0 = Date.now();
    const trained = await ctx.trainer.call(
      'train',
      { round: start.round, tau: this.tau, global: start.global },
      { signal: this.signal },
    );
    this.trained = trained;
    this.phases.train = Date.now() - t0;
    ctx.node.events.record({
      type: 'metrics',
      msg: 'train',
      round: start.round,
      steps: trained.steps,
      trainLoss: trained.trainLoss,
      ...(trained.queryLoss === undefined ? {} : { queryLoss: trained.queryLoss }),
      bytes: trained.body.byteLength,
      stateBytes: trained.stateBytes,
      encoding: trained.encoding,
      latencyMs: trained.ms,
      numTensors: trained.numTensors,
    });
    ctx.inbox.addLocal(this.self, {
      sampleCount: trained.sampleCount,
      encoding: trained.encoding,
      body: trained.body,
    });
    const t1 = Date.now();
    let sentTo: string | undefined;
    for (let attempt = 0; !this.signal.aborted;) {
      const target = this.decide().peer;
      if (target === this.self || target === sentTo) {
        this.markPushed(t1);
        await ctx.wake.wait(ctx.settings.tickMs, this.signal).catch(() => {});
        continue;
      }
      try {
        await ctx.node.updates.push(
          peerIdFromString(target),
          {
            round: start.round,
            sampleCount: trained.sampleCount,
            encoding: trained.encoding,
            body: trained.body,
            baseHash: start.hash,
          },
          { signal: this.signal },
        );
        sentTo = target;
        this.pushedTo.push(target);
        this.pushedBytes += trained.body.byteLength;
        attempt = 0;
        this.markPushed(t1);
      } catch (err) {
        if (this.signal.aborted) return;
        const stale = err instanceof UpdateRejectedError && err.reason === 'stale-round';
        ctx.node.events.record({
          type: 'error',
          msg: 'push',
          round: start.round,
          peer: target,
          reason: err instanceof UpdateRejectedError ? err.reason : (err as Error).name,
          detail: errorMessage(err),
        });
        if (stale) sentTo = target;
        else
          await sleep(
            backoffMs(attempt++, ctx.settings.retryMinMs, ctx.settings.retryMaxMs),
            this.signal,
          ).catch(() => {});
      }
    }
  }

  /** Log a background task's failure (not its abort when the round ends); the round goes on without it. */
  private failed(task: string, err: unknown): void {
    if (this.signal.aborted) return;
    this.ctx.node.events.record({
      type: 'error',
      msg: task,
      round: this.start.round,
      reason: (err as Error).name,
      detail: errorMessage(err),
    });
  }

  private markPushed(since: number): void {
    if (this.pushDone) return;
    this.pushDone = true;
    this.phases.push = Date.now() - since;
    this.updateStatus();
  }

  private async aggregateWhenInCharge(): Promise<void> {
    const { ctx, start } = this;
    const { settings } = ctx;
    let since: number | undefined;
    let lastReason = '';
    for (let attempt = 0; !this.signal.aborted;) {
      const now = Date.now();
      if (this.decide().peer !== this.self) {
        since = undefined;
        if (this.inCharge) {
          this.inCharge = false;
          this.updateStatus();
        }
        await ctx.wake.wait(settings.tickMs, this.signal).catch(() => {});
        continue;
      }
      since ??= now;
      if (!this.inCharge) {
        this.inCharge = true;
        this.updateStatus();
      }
      const expected = this.participants.filter((p) =>
        p === this.self ? this.participating : peerIsReady(ctx, p, now),
      );
      const d = collectDecision({
        expected,
        received: ctx.inbox.senders(),
        inChargeMs: now - since,
        roundTimeoutMs: settings.roundTimeoutMs,
        quorum: settings.quorum,
      });
      if (d.reason !== lastReason) {
        lastReason = d.reason;
        ctx.node.events.record({
          type: 'round',
          msg: 'collect',
          round: start.round,
          reason: d.reason,
          missing: d.missing,
          needed: d.needed,
          held: ctx.inbox.senders().size,
        });
      }
      if (!d.aggregate) {
        await ctx.wake.wait(settings.tickMs, this.signal).catch(() => {});
        continue;
      }
      try {
        await this.aggregate(d.reason);
        return;
      } catch (err) {
        if (this.signal.aborted) return;
        ctx.node.events.record({
          type: 'error',
          msg: 'aggregate',
          round: start.round,
          reason: (err as Error).name,
          detail: errorMessage(err),
        });
        await sleep(backoffMs(attempt++, settings.retryMinMs, settings.retryMaxMs), this.signal).catch(
          () => {},
        );
      }
    }
  }

  private async aggregate(reason: string): Promise<void> {
    const { ctx, start } = this;
    const held = ctx.inbox.updates();
    const t0 = Date.now();
    const result = await ctx.trainer.call(
      'aggregate',
      {
        round: start.round,
        tau: this.tau,
        global: start.global,
        updates: held.map((u) => ({ from: u.from, sampleCount: u.sampleCount, body: u.body })),
      },
      { signal: this.signal },
    );
    this.phases.aggregate = Date.now() - t0;
    const hash = await ctx.node.store.put(result.global);
    this.aggregated = { ...result, reason };
    const claim: Claim = {
      round: start.round,
      aggregator: this.self,
      contentHash: hash,
      contributors: result.contributors,
      size: result.global.byteLength,
      sampleCount: result.sampleCount,
      receivedAt: Date.now(),
      source: 'self',
    };
    ctx.node.events.record({
      type: 'round',
      msg: 'aggregated',
      round: start.round,
      hash,
      reason,
      contributors: result.contributors,
      bytes: result.global.byteLength,
      newlyPruned: result.newlyPruned,
      prunedCandidates: result.prunedCandidates,
      latencyMs: result.ms,
    });
    ctx.claims.add(claim);
    await publishClaim(ctx, claim);
  }

  private updateStatus(): void {
    let status: PeerStatus = 'idle';
    if (this.inCharge) status = 'aggregating';
    else if (this.participating && !this.pushDone) status = 'training';
    setLocalState(this.ctx, { round: this.start.round, modelHash: this.start.hash, status });
  }

  private recordPhases(claim: Claim): void {
    this.ctx.node.events.record({
      type: 'phase',
      round: this.start.round,
      adoptedRound: claim.round,
      ...this.phases,
    });
  }
}
