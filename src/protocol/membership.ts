import { ProtocolArgumentError } from './errors.js';
import type { ElectionView } from './election.js';

/** What a peer is doing, as it reports in its heartbeats. */
export type PeerStatus = 'joining' | 'idle' | 'training' | 'aggregating' | 'leaving';

/** Every status, in wire order. */
export const PEER_STATUSES: readonly PeerStatus[] = ['joining', 'idle', 'training', 'aggregating', 'leaving'];

/** Default period between two heartbeats of one peer. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;

/** Default number of heartbeat intervals without news after which a peer is no longer live. */
export const DEFAULT_EXPIRY_INTERVALS = 3;

/** One heartbeat, as decoded from the wire (see `messages/heartbeat.proto`). */
export interface HeartbeatRecord {
  /** Peer ID (base58btc string) of the sender. */
  peer: string;
  /** Last round the peer completed or is working on. */
  round: number;
  /** Hex SHA-256 of the global model the peer holds, or '' if none yet. */
  modelHash: string;
  /** Number of local training samples (the aggregation weight it will claim). */
  sampleCount: number;
  status: PeerStatus;
  /** Sender's clock (ms since epoch); orders the heartbeats of one peer. */
  timestamp: number;
  /** Multiaddrs the peer can be dialled on (without the /p2p suffix). */
  addrs: readonly string[];
}

/** A member as the local view knows it. */
export interface MemberEntry {
  readonly record: HeartbeatRecord;
  /** Local clock when the latest heartbeat arrived: liveness never depends on the sender's clock. */
  readonly lastHeard: number;
}

/** An immutable membership view; every transition returns a new view (or the same one if unchanged). */
export interface MembershipView {
  readonly federation: string;
  readonly heartbeatIntervalMs: number;
  readonly expiryIntervals: number;
  readonly members: ReadonlyMap<string, MemberEntry>;
}

/** Options of `createView`. */
export interface ViewOptions {
  heartbeatIntervalMs?: number;
  expiryIntervals?: number;
}

/** An empty view of `federation`. */
export function createView(federation: string, options: ViewOptions = {}): MembershipView {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const expiryIntervals = options.expiryIntervals ?? DEFAULT_EXPIRY_INTERVALS;
  if (federation.length === 0) {
    throw new ProtocolArgumentError('Error in createView: federation must be a non-empty string, found ""');
  }
  if (!(heartbeatIntervalMs > 0) || !Number.isFinite(heartbeatIntervalMs)) {
    throw new ProtocolArgumentError(
      `Error in createView: heartbeatIntervalMs must be a positive number, found ${heartbeatIntervalMs}`,
    );
  }
  if (!Number.isInteger(expiryIntervals) || expiryIntervals < 1) {
    throw new ProtocolArgumentError(
      `Error in createView: expiryIntervals must be an integer >= 1, found ${expiryIntervals}`,
    );
  }
  return { federation, heartbeatIntervalMs, expiryIntervals, members: new Map() };
}

/** Milliseconds after the last heartbeat during which a peer counts as live. */
export function expiryMs(view: MembershipView): number {
  return view.heartbeatIntervalMs * view.expiryIntervals;
}

/**
 * Apply a heartbeat received at local time `receivedAt`. A heartbeat older than (or as old as) the
 * latest one from the same live peer is ignored; status `leaving` removes the peer.
 */
export function applyHeartbeat(
  view: MembershipView,
  record: HeartbeatRecord,
  receivedAt: number,
): MembershipView {
  const previous = view.members.get(record.peer);
  const previousLive = previous !== undefined && isEntryLive(view, previous, receivedAt);
  if (previousLive && record.timestamp <= previous.record.timestamp) return view;
  const members = new Map(view.members);
  if (record.status === 'leaving') members.delete(record.peer);
  else members.set(record.peer, { record, lastHeard: receivedAt });
  return { ...view, members };
}

/** Remove a peer (e.g. after a failed dial or a ban). */
export function removePeer(view: MembershipView, peer: string): MembershipView {
  if (!view.members.has(peer)) return view;
  const members = new Map(view.members);
  members.delete(peer);
  return { ...view, members };
}

/** Drop every member not heard from within the expiry window ending at `now`. */
export function pruneExpired(view: MembershipView, now: number): MembershipView {
  let members: Map<string, MemberEntry> | undefined;
  for (const [peer, entry] of view.members) {
    if (isEntryLive(view, entry, now)) continue;
    members ??= new Map(view.members);
    members.delete(peer);
  }
  return members === undefined ? view : { ...view, members };
}

/** True when `peer` was heard from within the expiry window ending at `now`. */
export function isLive(view: MembershipView, peer: string, now: number): boolean {
  const entry = view.members.get(peer);
  return entry !== undefined && isEntryLive(view, entry, now);
}

/** Live peer IDs at `now`, sorted (the same order on every peer with the same view). */
export function livePeers(view: MembershipView, now: number): string[] {
  return liveRecords(view, now).map((r) => r.peer);
}

/** Latest heartbeat of every live peer at `now`, sorted by peer ID. */
export function liveRecords(view: MembershipView, now: number): HeartbeatRecord[] {
  const out: HeartbeatRecord[] = [];
  for (const entry of view.members.values()) if (isEntryLive(view, entry, now)) out.push(entry.record);
  return out.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

/** Snapshot of the live peers at `now`, the input of the election for a round. */
export function electionView(view: MembershipView, now: number): ElectionView {
  return { federation: view.federation, peers: livePeers(view, now) };
}

function isEntryLive(view: MembershipView, entry: MemberEntry, now: number): boolean {
  return now - entry.lastHeard < expiryMs(view);
}
