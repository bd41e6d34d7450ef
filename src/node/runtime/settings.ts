import {
  DEFAULT_ELIGIBILITY_SLACK_MS,
  DEFAULT_FAILOVER_DEADLINE_MS,
  DEFAULT_HEARTBEAT_CATCH_UP_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_ROUND_MS,
  DEFAULT_PARTICIPATION,
  DEFAULT_PUBLISH_RETRY_MS,
  DEFAULT_QUORUM,
  DEFAULT_RETRY_MAX_MS,
  DEFAULT_RETRY_MIN_MS,
  DEFAULT_ROUND_TIMEOUT_MS,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_TICK_MS,
} from './constants.js';
import { RuntimeConfigError } from './errors.js';

/** Timing and membership rules of the round protocol (every peer of a federation should agree). */
export interface RoundSettings {
  /** Rank k of the election takes over k deadlines into a round (or earlier when better ranks are dead). */
  failoverDeadlineMs: number;
  /** After this long in charge, aggregate with a quorum instead of every expected update. */
  roundTimeoutMs: number;
  /** Fraction of the live expected participants needed after the round timeout, in (0, 1]. */
  quorum: number;
  /** Fraction of the live peers sampled to train each round, in (0, 1]. */
  participation: number;
  /** A round that lasts longer fails with `RoundTimeoutError`. */
  maxRoundMs: number;
  /** At start, wait this long for the federation. */
  startTimeoutMs: number;
  /** At start of a fresh federation, wait until this many peers (self included) are ready. */
  minPeers: number;
  /** After the last round, keep serving the final model at most this long. */
  lingerMs: number;
  tickMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  publishRetryMs: number;
  /** Round-start skew tolerated when checking an announcer's rank against the clock. */
  eligibilitySlackMs: number;
  heartbeatCatchUpMs: number;
}

/** Every setting at its default (`minPeers` 1). */
export const DEFAULT_ROUND_SETTINGS: Readonly<RoundSettings> = Object.freeze({
  failoverDeadlineMs: DEFAULT_FAILOVER_DEADLINE_MS,
  roundTimeoutMs: DEFAULT_ROUND_TIMEOUT_MS,
  quorum: DEFAULT_QUORUM,
  participation: DEFAULT_PARTICIPATION,
  maxRoundMs: DEFAULT_MAX_ROUND_MS,
  startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
  minPeers: 1,
  lingerMs: DEFAULT_LINGER_MS,
  tickMs: DEFAULT_TICK_MS,
  retryMinMs: DEFAULT_RETRY_MIN_MS,
  retryMaxMs: DEFAULT_RETRY_MAX_MS,
  publishRetryMs: DEFAULT_PUBLISH_RETRY_MS,
  eligibilitySlackMs: DEFAULT_ELIGIBILITY_SLACK_MS,
  heartbeatCatchUpMs: DEFAULT_HEARTBEAT_CATCH_UP_MS,
});

/** Defaults filled in and every value checked (`RuntimeConfigError` names the first bad one). */
export function resolveRoundSettings(partial: Partial<RoundSettings> = {}): RoundSettings {
  const s: RoundSettings = { ...DEFAULT_ROUND_SETTINGS };
  for (const [k, v] of Object.entries(partial))
    if (v !== undefined) (s as unknown as Record<string, number>)[k] = v;
  const bad = (key: keyof RoundSettings, expected: string): never => {
    throw new RuntimeConfigError(
      `Error in resolveRoundSettings: ${key} must be ${expected}, found ${s[key]}`,
    );
  };
  const positiveKeys = [
    'failoverDeadlineMs',
    'roundTimeoutMs',
    'maxRoundMs',
    'startTimeoutMs',
    'tickMs',
    'retryMinMs',
    'retryMaxMs',
    'publishRetryMs',
    'heartbeatCatchUpMs',
  ] as const;
  for (const key of positiveKeys)
    if (!(s[key] > 0) || !Number.isFinite(s[key])) bad(key, 'a positive finite number');
  if (!(s.lingerMs >= 0)) bad('lingerMs', 'a number >= 0');
  if (!(s.quorum > 0 && s.quorum <= 1)) bad('quorum', 'in (0, 1]');
  if (!(s.participation > 0 && s.participation <= 1)) bad('participation', 'in (0, 1]');
  if (!Number.isInteger(s.minPeers) || s.minPeers < 1) bad('minPeers', 'an integer >= 1');
  if (!(s.eligibilitySlackMs >= 0)) bad('eligibilitySlackMs', 'a number >= 0');
  return s;
}
