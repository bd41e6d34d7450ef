import {
  aggregatorFor,
  rankAggregators,
  type AggregatorChoice,
  type ElectionView,
} from '../../protocol/election.js';
import type { HeartbeatRecord } from '../../protocol/membership.js';
import { RuntimeConfigError } from './errors.js';

/**
 * The pure decisions of the round state machine: who aggregates at time t, whether an announcer may
 * aggregate, when an aggregator has collected enough, and how a starting peer joins. No I/O, no clock:
 * every input is passed in, so each rule is tested alone.
 */

/** The aggregator in charge at some instant, and why. */
export interface AggregatorDecision extends AggregatorChoice {
  /** Rank the time slot alone gives (`aggregatorFor`). */
  slotRank: number;
  /** `rank-slot`: the slot's rank is live; `skip-dead`: better-placed candidates are dead and were skipped. */
  reason: 'rank-slot' | 'skip-dead';
  /** Candidates skipped because their heartbeats expired. */
  skipped: string[];
}

/**
 * The aggregator in charge `elapsedMs` into `round`: `aggregatorFor` (rank k after k failover deadlines,
 * starting over after the last rank), then, from that rank on, the first candidate that is still live,
 * so that a crashed aggregator is replaced as soon as its heartbeats expire rather than after a whole
 * deadline. When nobody is live the slot's rank is kept.
 */
export function currentAggregator(
  view: ElectionView,
  round: number,
  elapsedMs: number,
  deadlineMs: number,
  isLive: (peer: string) => boolean,
): AggregatorDecision {
  const base = aggregatorFor(view, round, elapsedMs, deadlineMs);
  const n = base.ranking.length;
  const skipped: string[] = [];
  for (let i = 0; i < n; i++) {
    const rank = (base.rank + i) % n;
    const peer = base.ranking[rank];
    if (isLive(peer)) {
      return {
        ...base,
        peer,
        rank,
        slotRank: base.rank,
        reason: i === 0 ? 'rank-slot' : 'skip-dead',
        skipped,
      };
    }
    skipped.push(peer);
  }
  return { ...base, slotRank: base.rank, reason: 'rank-slot', skipped: [] };
}

/** Verdict on an announcer for a round. */
export type EligibilityVerdict =
  | { ok: true; rank: number; reason: 'in-slot' | 'better-ranks-dead' }
  | { ok: false; rank: number; reason: 'too-early'; detail: string };

/**
 * Whether `announcer` may aggregate `round` at `elapsedMs` into it: its rank among `view` plus itself
 * (rendezvous scores do not depend on the view) must have come up, i.e. `rank <= floor((elapsed +
 * slack) / deadline)` (the slack absorbs round-start skew between peers), or every candidate ranked
 * before it must be dead (the liveness failover of `currentAggregator`). A claim refused now may become
 * eligible later.
 */
export function announcerEligibility(
  view: ElectionView,
  round: number,
  announcer: string,
  elapsedMs: number,
  deadlineMs: number,
  isLive: (peer: string) => boolean,
  slackMs: number,
): EligibilityVerdict {
  const ranking = rankAggregators({ federation: view.federation, peers: [...view.peers, announcer] }, round);
  const rank = ranking.indexOf(announcer);
  const slot = Math.floor(Math.max(0, elapsedMs + slackMs) / deadlineMs);
  if (rank <= slot) return { ok: true, rank, reason: 'in-slot' };
  const better = ranking.slice(0, rank);
  if (better.every((p) => p !== announcer && !isLive(p)))
    return { ok: true, rank, reason: 'better-ranks-dead' };
  return {
    ok: false,
    rank,
    reason: 'too-early',
    detail: `rank ${rank} must be <= slot ${slot} or follow dead candidates only, found ${better.filter(isLive).length} live before it`,
  };
}

/** Smallest number of updates that is a `quorum` fraction of `expected` (at least 1). */
export function quorumCount(expected: number, quorum: number): number {
  if (!(quorum > 0 && quorum <= 1)) {
    throw new RuntimeConfigError(`Error in quorumCount: quorum must be in (0, 1], found ${quorum}`);
  }
  return Math.max(1, Math.ceil(quorum * expected - 1e-9));
}

/** What an aggregator knows when deciding whether to aggregate. */
export interface CollectState {
  /** Participants still expected: the round's participants that are live now. */
  expected: readonly string[];
  /** Senders whose update is held. */
  received: ReadonlySet<string>;
  /** Time since this peer took charge of the round. */
  inChargeMs: number;
  roundTimeoutMs: number;
  quorum: number;
}

/** Whether to aggregate now, and why. */
export interface CollectDecision {
  aggregate: boolean;
  reason: 'all-received' | 'quorum-after-timeout' | 'waiting' | 'waiting-quorum';
  missing: string[];
  needed: number;
}

/**
 * Aggregate once every expected participant has sent its update, or once `roundTimeoutMs` in charge
 * have passed and at least a `quorum` fraction of the expected count is held. Never with no update.
 */
export function collectDecision(s: CollectState): CollectDecision {
  const missing = s.expected.filter((p) => !s.received.has(p));
  const needed = quorumCount(s.expected.length, s.quorum);
  if (s.received.size === 0) return { aggregate: false, reason: 'waiting', missing, needed };
  if (missing.length === 0) return { aggregate: true, reason: 'all-received', missing, needed };
  if (s.inChargeMs < s.roundTimeoutMs) return { aggregate: false, reason: 'waiting', missing, needed };
  if (s.received.size >= needed) return { aggregate: true, reason: 'quorum-after-timeout', missing, needed };
  return { aggregate: false, reason: 'waiting-quorum', missing, needed };
}

/** True for a member that takes part in rounds (not still joining or leaving). */
export function isReady(r: Pick<HeartbeatRecord, 'status'>): boolean {
  return r.status !== 'joining' && r.status !== 'leaving';
}

/** How a starting (or restarting) peer joins the federation. */
export type SyncPlan =
  { kind: 'participate' } | { kind: 'catch-up'; round: number; hash: string; holders: string[] };

/**
 * Join plan of a peer holding the global model `me.hash` of round `me.round`, given the other live
 * members: when ready members are at a later round, or at the same round with another model, catch up to
 * the model most of the most advanced ones hold (ties: lowest hash); otherwise take part from `me.round`.
 */
export function syncPlan(me: { round: number; hash: string }, others: readonly HeartbeatRecord[]): SyncPlan {
  const ready = others.filter((r) => isReady(r) && r.modelHash !== '');
  if (ready.length === 0) return { kind: 'participate' };
  const top = Math.max(...ready.map((r) => r.round));
  if (top < me.round) return { kind: 'participate' };
  const atTop = ready.filter((r) => r.round === top);
  if (top === me.round && atTop.some((r) => r.modelHash === me.hash)) return { kind: 'participate' };
  const byHash = new Map<string, string[]>();
  for (const r of atTop) byHash.set(r.modelHash, [...(byHash.get(r.modelHash) ?? []), r.peer]);
  const [hash, holders] = [...byHash].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0];
  return { kind: 'catch-up', round: top, hash, holders };
}

/** True when the federation is past its start: a ready member is past `round` or already in it. */
export function roundInProgress(round: number, others: readonly HeartbeatRecord[]): boolean {
  return others.some(
    (r) =>
      isReady(r) &&
      (r.round > round || (r.round === round && (r.status === 'training' || r.status === 'aggregating'))),
  );
}
