import { peerIdFromString } from '@libp2p/peer-id';
import type { ElectionView } from '../../protocol/election.js';
import { errorMessage } from '../signal.js';
import { heartbeatClaim, type Claim } from './claims.js';
import { ModelPullError, RoundRestartError, RoundTimeoutError } from './errors.js';
import { otherRecords, peerIsLive, readyOthers, selfId, type RoundContext } from './round-context.js';
import { announcerEligibility, syncPlan } from './round-plan.js';
import { backoffMs, sleep } from './wake.js';

/** What the end of a round is watched against. */
export interface ClaimWatch {
  round: number;
  /** Hash of the round's base model. */
  hash: string;
  startedAt: number;
  /** The round's election view (snapshot at round start). */
  view: ElectionView;
  /** Claim adopted for the previous round, to notice a better one. */
  previous?: Claim;
}

/**
 * Wait for the claim that ends `watch.round`: the best eligible claim of the round (eligibility by
 * rank and time, see `announcerEligibility`; claims not yet eligible are re-checked as time passes and
 * heartbeats expire), or the best claim of a later round (this peer fell behind: catch up), or, when no
 * announcement came but live peers have been a round ahead for `heartbeatCatchUpMs`, the model most of
 * them hold. Throws `RoundRestartError` when a better claim for the previous round shows up, and
 * `RoundTimeoutError` after `maxRoundMs`.
 */
export async function awaitClaim(ctx: RoundContext, watch: ClaimWatch, signal: AbortSignal): Promise<Claim> {
  const { settings, claims, node } = ctx;
  const refused = new Set<string>();
  let aheadSince: number | undefined;
  for (;;) {
    const now = Date.now();
    if (now - watch.startedAt > settings.maxRoundMs) {
      throw new RoundTimeoutError(
        `Error in awaitClaim: round ${watch.round} must end within ${settings.maxRoundMs} ms, found no eligible announcement`,
      );
    }
    checkPrevious(ctx, watch);
    const latest = claims.latestRound();
    if (latest > watch.round) return claims.winner(claims.forRound(latest));
    const eligible = claims.forRound(watch.round).filter((c) => {
      if (c.source !== 'announcement') return true;
      const v = announcerEligibility(
        watch.view,
        watch.round,
        c.aggregator,
        now - watch.startedAt,
        settings.failoverDeadlineMs,
        (p) => peerIsLive(ctx, p, now),
        settings.eligibilitySlackMs,
      );
      const key = `${c.aggregator}:${c.contentHash}`;
      if (!v.ok && !refused.has(key)) {
        refused.add(key);
        node.events.record({
          type: 'reject',
          msg: 'announcement',
          round: watch.round,
          peer: c.aggregator,
          hash: c.contentHash,
          reason: v.reason,
          detail: `${v.detail} (held, re-checked later)`,
        });
      }
      return v.ok;
    });
    if (eligible.length > 0) return claims.winner(eligible);
    const ahead = readyOthers(ctx, now).filter((r) => r.round > watch.round);
    aheadSince = ahead.length === 0 ? undefined : (aheadSince ?? now);
    if (aheadSince !== undefined && now - aheadSince >= settings.heartbeatCatchUpMs) {
      const plan = syncPlan({ round: watch.round, hash: watch.hash }, ahead);
      if (plan.kind === 'catch-up') {
        node.events.record({
          type: 'sync',
          msg: 'heartbeat-catch-up',
          round: plan.round - 1,
          hash: plan.hash,
        });
        return heartbeatClaim(plan, now);
      }
    }
    await ctx.wake.wait(settings.tickMs, signal);
  }
}

/** Throw `RoundRestartError` when a claim that beats the adopted one for the previous round is held. */
function checkPrevious(ctx: RoundContext, watch: ClaimWatch): void {
  const prev = watch.previous;
  if (prev === undefined) return;
  const rivals = ctx.claims.forRound(prev.round).filter((c) => c.contentHash !== prev.contentHash);
  if (rivals.length === 0) return;
  const best = ctx.claims.winner([prev, ...rivals]);
  if (best.contentHash === prev.contentHash) return;
  ctx.node.events.record({
    type: 'conflict',
    round: prev.round,
    peer: best.aggregator,
    hash: best.contentHash,
    detail: `adopted ${prev.contentHash} from ${prev.aggregator}; ${best.contentHash} from ${best.aggregator} wins (${best.contributors.length} vs ${prev.contributors.length} contributors)`,
  });
  throw new RoundRestartError(
    `Error in awaitClaim: round ${watch.round} must build on the winning aggregate of round ${prev.round}, found a better claim by ${best.aggregator}`,
    best,
  );
}

/**
 * Pull the model of `claim` from its aggregator, its contributors, its known holders, then any live peer
 * reporting it or a later round (retrying with backoff until `deadline`). Verified by hash on arrival;
 * throws `ModelPullError` when the size differs from the announced one or time runs out.
 */
export async function pullModel(
  ctx: RoundContext,
  claim: Claim,
  deadline: number,
  signal: AbortSignal,
): Promise<{ bytes: Uint8Array; ms: number; from?: string }> {
  const started = Date.now();
  const self = selfId(ctx);
  let lastError: unknown;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const reporting = otherRecords(ctx)
      .filter((r) => r.modelHash === claim.contentHash || r.round > claim.round)
      .map((r) => r.peer);
    const holders = [
      ...new Set([claim.aggregator, ...(claim.holders ?? []), ...claim.contributors, ...reporting]),
    ].filter((p) => p !== '' && p !== self);
    try {
      const res = await ctx.node.models.fetch(
        claim.contentHash,
        holders.map((p) => peerIdFromString(p)),
        { signal },
      );
      if (claim.size > 0 && res.bytes.byteLength !== claim.size) {
        throw new ModelPullError(
          `Error in pullModel: model ${claim.contentHash} must be ${claim.size} bytes as announced, found ${res.bytes.byteLength}`,
        );
      }
      return {
        bytes: res.bytes,
        ms: Date.now() - started,
        ...(res.from ? { from: res.from.toString() } : {}),
      };
    } catch (err) {
      if (signal.aborted) throw err;
      lastError = err;
      ctx.node.events.record({
        type: 'error',
        msg: 'pull',
        round: claim.round,
        hash: claim.contentHash,
        reason: (err as Error).name,
        detail: errorMessage(err),
      });
      await sleep(backoffMs(attempt, ctx.settings.retryMinMs, ctx.settings.retryMaxMs), signal);
    }
  }
  throw new ModelPullError(
    `Error in pullModel: model ${claim.contentHash} of round ${claim.round} must be pulled before the round deadline, found ${errorMessage(lastError)}`,
    { cause: lastError },
  );
}
