import {
  compareAggregateClaims,
  resolveAggregateConflict,
  type AggregateClaim,
} from '../../protocol/election.js';
import type { Wakeup } from './wake.js';

/** An announced aggregate as a peer holds it. */
export interface Claim extends AggregateClaim {
  /** Bytes of the model blob (0 when unknown, e.g. learnt from heartbeats). */
  size: number;
  sampleCount: number;
  /** Local time it was learnt. */
  receivedAt: number;
  /** Where it was learnt: a signed announcement (ours or another's) or the heartbeats of peers ahead. */
  source: 'announcement' | 'self' | 'heartbeat';
  /** Peers known to hold the model besides the aggregator and contributors. */
  holders?: string[];
}

/**
 * The claim behind a catch-up learnt from heartbeats: peers `holders` are at `round` with model `hash`,
 * so the aggregate of round `round - 1` is that model (its size, contributors and samples are unknown).
 */
export function heartbeatClaim(
  plan: { round: number; hash: string; holders: string[] },
  receivedAt: number,
): Claim {
  return {
    round: plan.round - 1,
    aggregator: plan.holders[0] as string,
    contentHash: plan.hash,
    contributors: [],
    size: 0,
    sampleCount: 0,
    receivedAt,
    source: 'heartbeat',
    holders: plan.holders,
  };
}

/**
 * Every claim heard, by round. Conflicting claims of one round are settled by `resolveAggregateConflict`
 * (more contributors, then the better-ranked aggregator, then the lower hash), the same on every peer.
 */
export class ClaimBook {
  private readonly byRound = new Map<number, Claim[]>();

  constructor(
    readonly federation: string,
    private readonly wake?: Wakeup,
  ) {}

  /** Add a claim; false when the same (round, aggregator, hash) is already held. */
  add(claim: Claim): boolean {
    const list = this.byRound.get(claim.round) ?? [];
    if (list.some((c) => c.aggregator === claim.aggregator && c.contentHash === claim.contentHash))
      return false;
    list.push(claim);
    this.byRound.set(claim.round, list);
    this.wake?.notify();
    return true;
  }

  /** Claims of `round`, in arrival order. */
  forRound(round: number): Claim[] {
    return [...(this.byRound.get(round) ?? [])];
  }

  /** The highest round with a claim, or -1. */
  latestRound(): number {
    return Math.max(-1, ...this.byRound.keys());
  }

  /** The winning claim among `claims` (non-empty). */
  winner(claims: readonly Claim[]): Claim {
    return resolveAggregateConflict(this.federation, claims) as Claim;
  }

  /** True when `a` beats `b` (same round). */
  beats(a: Claim, b: Claim): boolean {
    return compareAggregateClaims(this.federation, a, b) < 0;
  }

  /** Forget rounds before `round`. */
  forgetBefore(round: number): void {
    for (const r of this.byRound.keys()) if (r < round) this.byRound.delete(r);
  }
}
