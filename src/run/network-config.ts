import { hashConfig } from '../nas/state/config-hash.js';
import { DEFAULT_TRANSFER_TIMEOUT_MS } from '../node/constants.js';
import {
  DEFAULT_FAILOVER_DEADLINE_MS,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_ROUND_MS,
  DEFAULT_PARTICIPATION,
  DEFAULT_QUORUM,
  DEFAULT_ROUND_TIMEOUT_MS,
  DEFAULT_START_TIMEOUT_MS,
} from '../node/runtime/constants.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../protocol/membership.js';
import type { TensorEncoding } from '../protocol/compression/container.js';
import type { SearchRunConfig } from './config.js';

/** Network options of a peer-to-peer run (`fedmetanas peer` and `simulate`), on top of the search config. */
export interface NetworkRunOptions {
  /** Federation name; default derived from the search config (`federationFor`). */
  federation?: string;
  /** Update encoding: fp32 (exact), fp16, int8, topk (deltas). */
  compression: TensorEncoding;
  /** Top-k only: fraction of entries sent per tensor. */
  topkRatio?: number;
  /** Fraction of the live expected participants an aggregator needs after the round timeout. */
  quorum: number;
  /** Fraction of the live peers sampled to train each round. */
  participation: number;
  roundTimeoutMs: number;
  failoverDeadlineMs: number;
  startTimeoutMs: number;
  maxRoundMs: number;
  lingerMs: number;
  heartbeatIntervalMs: number;
  transferTimeoutMs: number;
  /** At start of a fresh federation, wait for this many ready peers (default: `peers`). */
  minPeers?: number;
}

/** Defaults of the network options: the runtime's defaults (`simulate` shortens heartbeats). */
export const DEFAULT_NETWORK_RUN: Readonly<NetworkRunOptions> = Object.freeze({
  compression: 'fp32',
  quorum: DEFAULT_QUORUM,
  participation: DEFAULT_PARTICIPATION,
  roundTimeoutMs: DEFAULT_ROUND_TIMEOUT_MS,
  failoverDeadlineMs: DEFAULT_FAILOVER_DEADLINE_MS,
  startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
  maxRoundMs: DEFAULT_MAX_ROUND_MS,
  lingerMs: DEFAULT_LINGER_MS,
  heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
  transferTimeoutMs: DEFAULT_TRANSFER_TIMEOUT_MS,
});

/** Prefix of derived federation names. */
export const FEDERATION_PREFIX = 'fmn-';

/**
 * The default federation of a search config: `fmn-` and 16 hex digits of the hash of every setting that
 * changes the search (not where results go or which backend computes them). Peers started with other
 * settings end up in another federation instead of mixing incompatible updates.
 */
export function federationFor(config: SearchRunConfig): string {
  const { out: _out, name: _name, backend: _backend, dataDir: _dataDir, ...search } = config;
  return `${FEDERATION_PREFIX}${hashConfig(search).slice(0, 16)}`;
}
