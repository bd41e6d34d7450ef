import { ProtocolArgumentError } from './errors.js';
import { sha256HexOfString } from './hash.js';

/**
 * Aggregator election: rendezvous (highest-random-weight) hashing over the live peers of a round.
 * Every peer computes the same ranking from the same snapshot, with no message exchanged; rank k takes
 * over after k failover deadlines without an announcement.
 */

/** Default time a rank has to publish its announcement before the next rank takes over. */
export const DEFAULT_FAILOVER_DEADLINE_MS = 30_000;

/** The input of an election: the federation and a snapshot of its live peers at round start. */
export interface ElectionView {
  readonly federation: string;
  readonly peers: readonly string[];
}

/** The aggregator in charge at some instant of a round. */
export interface AggregatorChoice {
  /** Peer ID of the aggregator in charge. */
  peer: string;
  /** Its rank (0 = first choice). */
  rank: number;
  /** Every candidate, best first. */
  ranking: readonly string[];
  /** Time since round start at which this rank took over. */
  since: number;
  /** Time since round start at which the next rank takes over. */
  until: number;
}

/** A published aggregate for a round, as needed to settle a split view. */
export interface AggregateClaim {
  round: number;
  /** Peer ID of the aggregator that published it. */
  aggregator: string;
  /** Hex SHA-256 of the aggregated model. */
  contentHash: string;
  /** Peer IDs whose updates were aggregated. */
  contributors: readonly string[];
}

/**
 * Rendezvous score of `peer` for `round` of `federation`: hex SHA-256 of `${federation}:${round}:${peer}`.
 * Hex strings of equal length compare like the numbers they encode; higher is better. Scores do not
 * depend on who else is in the view, so they order aggregators even across split views.
 */
export function rendezvousScore(federation: string, round: number, peer: string): string {
  return sha256HexOfString(`${federation}:${round}:${peer}`);
}

/** Candidates of `view` for `round`, best first (duplicates removed; ties broken by lower peer ID). */
export function rankAggregators(view: ElectionView, round: number): string[] {
  checkRound('rankAggregators', round);
  const scored = [...new Set(view.peers)].map((peer) => ({
    peer,
    score: rendezvousScore(view.federation, round, peer),
  }));
  scored.sort((a, b) => compareStrings(b.score, a.score) || compareStrings(a.peer, b.peer));
  return scored.map((s) => s.peer);
}

/**
 * The aggregator in charge `elapsedSinceRoundStart` ms into `round`: rank `k` takes over after `k`
 * deadlines; after the last rank the ranking starts over (rank 0 again), so a slow but alive aggregator
 * gets another chance rather than the round stalling.
 */
export function aggregatorFor(
  view: ElectionView,
  round: number,
  elapsedSinceRoundStart: number,
  failoverDeadline: number = DEFAULT_FAILOVER_DEADLINE_MS,
): AggregatorChoice {
  if (!(failoverDeadline > 0) || !Number.isFinite(failoverDeadline)) {
    throw new ProtocolArgumentError(
      `Error in aggregatorFor: failoverDeadline must be a positive finite number, found ${failoverDeadline}`,
    );
  }
  if (!(elapsedSinceRoundStart >= 0) || !Number.isFinite(elapsedSinceRoundStart)) {
    throw new ProtocolArgumentError(
      `Error in aggregatorFor: elapsedSinceRoundStart must be a finite number >= 0, found ${elapsedSinceRoundStart}`,
    );
  }
  const ranking = rankAggregators(view, round);
  if (ranking.length === 0) {
    throw new ProtocolArgumentError(
      'Error in aggregatorFor: view must hold at least one live peer, found none',
    );
  }
  const slot = Math.floor(elapsedSinceRoundStart / failoverDeadline);
  const rank = slot % ranking.length;
  return {
    peer: ranking[rank],
    rank,
    ranking,
    since: slot * failoverDeadline,
    until: (slot + 1) * failoverDeadline,
  };
}

/**
 * Order of two claims for the same round (negative when `a` wins): more distinct contributors first, then
 * the aggregator with the higher rendezvous score (the lower rank in any view holding both), then the
 * lower content hash. The rule is total, so every peer settles on the same aggregate.
 */
export function compareAggregateClaims(federation: string, a: AggregateClaim, b: AggregateClaim): number {
  if (a.round !== b.round) {
    throw new ProtocolArgumentError(
      `Error in compareAggregateClaims: claims must be for the same round, found ${a.round} and ${b.round}`,
    );
  }
  const byContributors = new Set(b.contributors).size - new Set(a.contributors).size;
  if (byContributors !== 0) return byContributors;
  const byScore = compareStrings(
    rendezvousScore(federation, b.round, b.aggregator),
    rendezvousScore(federation, a.round, a.aggregator),
  );
  if (byScore !== 0) return byScore;
  return compareStrings(a.contentHash, b.contentHash);
}

/** The winning claim among conflicting aggregates of one round (see `compareAggregateClaims`). */
export function resolveAggregateConflict(
  federation: string,
  claims: readonly AggregateClaim[],
): AggregateClaim {
  if (claims.length === 0) {
    throw new ProtocolArgumentError('Error in resolveAggregateConflict: claims must not be empty, found 0');
  }
  return claims.reduce((best, c) => (compareAggregateClaims(federation, c, best) < 0 ? c : best));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkRound(fn: string, round: number): void {
  if (!Number.isSafeInteger(round) || round < 0) {
    throw new ProtocolArgumentError(`Error in ${fn}: round must be an integer >= 0, found ${round}`);
  }
}
