import { hashConfig } from '../nas/state/config-hash.js';
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

/** Defaults of the network options (production values; `simulate` shortens heartbeats). */
export const DEFAULT_NETWORK_RUN: Readonly<NetworkRunOptions> = Object.freeze({
  compression: 'fp32',
  quorum: 1,
  participation: 1,
  roundTimeoutMs: 60_000,
  failoverDeadlineMs: 120_000,
  startTimeoutMs: 120_000,
  maxRoundMs: 30 * 60_000,
  lingerMs: 30_000,
  heartbeatIntervalMs: 2_000,
  transferTimeoutMs: 60_000,
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
