import { ProtocolArgumentError } from './errors.js';
import { sha256HexOfString } from './hash.js';

/** Default fraction of live peers asked to train in a round. */
export const DEFAULT_PARTICIPATION_FRACTION = 1;

/** Default lower bound on the number of participants (when that many peers are live). */
export const DEFAULT_MIN_PARTICIPANTS = 1;

/** Options of `sampleParticipants`. Give `count` or `fraction` (not both); neither means all. */
export interface SamplingOptions {
  federation: string;
  round: number;
  /** Run seed, shared by every peer of the federation. */
  seed: number | string;
  /** Fraction of the live peers, in (0, 1]; the count is rounded up. */
  fraction?: number;
  /** Exact number of participants (capped at the number of live peers). */
  count?: number;
  /** Lower bound applied after `fraction` (capped at the number of live peers). */
  minCount?: number;
}

/** How many of `live` peers take part under `options`. */
export function participantCount(
  live: number,
  options: Omit<SamplingOptions, 'federation' | 'round' | 'seed'>,
): number {
  const { fraction, count } = options;
  const minCount = options.minCount ?? DEFAULT_MIN_PARTICIPANTS;
  if (fraction !== undefined && count !== undefined) {
    throw new ProtocolArgumentError(
      `Error in participantCount: give fraction or count, not both, found fraction ${fraction} and count ${count}`,
    );
  }
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) {
    throw new ProtocolArgumentError(
      `Error in participantCount: fraction must be in (0, 1], found ${fraction}`,
    );
  }
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new ProtocolArgumentError(
      `Error in participantCount: count must be an integer >= 1, found ${count}`,
    );
  }
  if (!Number.isInteger(minCount) || minCount < 0) {
    throw new ProtocolArgumentError(
      `Error in participantCount: minCount must be an integer >= 0, found ${minCount}`,
    );
  }
  const wanted = count ?? Math.max(minCount, Math.ceil(live * (fraction ?? DEFAULT_PARTICIPATION_FRACTION)));
  return Math.min(live, wanted);
}

/**
 * The participants of a round: the `participantCount` live peers with the highest
 * SHA-256(`${seed}:${federation}:${round}:${peer}`), returned sorted by peer ID. Every peer with the same
 * live set gets the same answer, and a change of one peer in the live set changes at most one choice.
 */
export function sampleParticipants(peers: readonly string[], options: SamplingOptions): string[] {
  if (!Number.isSafeInteger(options.round) || options.round < 0) {
    throw new ProtocolArgumentError(
      `Error in sampleParticipants: round must be an integer >= 0, found ${options.round}`,
    );
  }
  const unique = [...new Set(peers)];
  const k = participantCount(unique.length, options);
  const prefix = `${options.seed}:${options.federation}:${options.round}:`;
  return unique
    .map((peer) => ({ peer, score: sha256HexOfString(prefix + peer) }))
    .sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : a.peer < b.peer ? -1 : 1))
    .slice(0, k)
    .map((s) => s.peer)
    .sort();
}
