import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { join } from 'node:path';
import { aggregatorFor, type AggregatorChoice, type ElectionView } from '../protocol/election.js';
import { checkFederationName } from '../protocol/ids.js';
import { electionView } from '../protocol/membership.js';
import { AnnouncementChannel } from './announcements.js';
import {
  BLOB_DIR,
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_REBOOTSTRAP_INTERVAL_MS,
  EVENT_LOG_FILE,
  IDENTITY_FILE,
} from './constants.js';
import { JsonlEventLog, NULL_EVENT_SINK, type EventSink } from './events.js';
import { HeartbeatChannel, type LocalState } from './heartbeats.js';
import { loadOrCreateIdentity } from './identity.js';
import type { ModelTransfer } from './model-transfer.js';
import { fedLibp2pOptions, type FedNodeOptions, type FedServices } from './options.js';
import { checkPsk } from './psk.js';
import { FsBlobStore, type BlobStore } from './store.js';
import type { UpdatePush } from './update-push.js';

export type { FedNodeOptions, FedServices } from './options.js';

/** A started federation node; `stop()` it. */
export interface FedNode {
  readonly libp2p: Libp2p<FedServices>;
  readonly peerId: PeerId;
  readonly federation: string;
  readonly store: BlobStore;
  readonly events: EventSink;
  readonly models: ModelTransfer;
  readonly updates: UpdatePush;
  readonly announcements: AnnouncementChannel;
  readonly heartbeats: HeartbeatChannel;
  /** State reported in heartbeats; update it as rounds progress. */
  state: LocalState;
  /** Listen addresses with `/p2p/<id>`, for others to bootstrap from. */
  addrs(): string[];
  /**
   * The aggregator in charge `elapsedMs` into `round` over `view` (default: the live peers now; pass the
   * snapshot taken at round start), logged as an `election` event whenever the choice changes.
   */
  elect(round: number, elapsedMs: number, failoverDeadlineMs?: number, view?: ElectionView): AggregatorChoice;
  stop(): Promise<void>;
}

/** Create and start a federation node (see `fedLibp2pOptions` for the stack). */
export async function createFedNode(options: FedNodeOptions): Promise<FedNode> {
  checkFederationName('createFedNode', options.federation);
  if (options.psk !== undefined) checkPsk('createFedNode', options.psk);
  const privateKey =
    options.privateKey ??
    (await loadOrCreateIdentity(options.identityFile ?? join(options.dataDir, IDENTITY_FILE)));
  const events =
    options.events === false
      ? NULL_EVENT_SINK
      : (options.events ?? new JsonlEventLog(join(options.dataDir, EVENT_LOG_FILE)));
  const store = options.store ?? new FsBlobStore(join(options.dataDir, BLOB_DIR));
  const allow = options.allowlist === undefined ? undefined : new Set(options.allowlist);
  const dialTimeoutMs = options.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  let libp2p: Libp2p<FedServices>;
  try {
    libp2p = await createLibp2p(
      fedLibp2pOptions(options, { privateKey, store, events, allow, dialTimeoutMs }),
    );
  } catch (err) {
    await events.close();
    throw err;
  }
  const isAllowed = allow === undefined ? undefined : (peer: string) => allow.has(peer);
  const node = new DefaultFedNode(libp2p, privateKey, options, store, events, isAllowed, dialTimeoutMs);
  node.start();
  events.record({ type: 'start', peer: libp2p.peerId.toString(), detail: node.addrs().join(' ') });
  return node;
}

class DefaultFedNode implements FedNode {
  readonly peerId: PeerId;
  readonly federation: string;
  readonly announcements: AnnouncementChannel;
  readonly heartbeats: HeartbeatChannel;
  state: LocalState = { round: 0, modelHash: '', sampleCount: 0, status: 'joining' };
  private readonly dialing = new Set<string>();
  private rebootstrapTimer: ReturnType<typeof setInterval> | undefined;
  private lastElection = '';

  constructor(
    readonly libp2p: Libp2p<FedServices>,
    privateKey: PrivateKey,
    private readonly options: FedNodeOptions,
    readonly store: BlobStore,
    readonly events: EventSink,
    isAllowed: ((peer: string) => boolean) | undefined,
    private readonly dialTimeoutMs: number,
  ) {
    this.peerId = libp2p.peerId;
    this.federation = options.federation;
    const pubsub = libp2p.services.pubsub;
    const base = { federation: options.federation, peerId: this.peerId, events, isAllowed };
    this.announcements = new AnnouncementChannel(pubsub, {
      ...base,
      privateKey,
      filter: options.announcementFilter,
    });
    this.heartbeats = new HeartbeatChannel(pubsub, {
      ...base,
      intervalMs: options.heartbeatIntervalMs,
      expiryIntervals: options.expiryIntervals,
      addrs: () => this.libp2p.getMultiaddrs().map((ma) => ma.toString().split('/p2p/')[0]),
      state: () => this.state,
      onPeerAddrs: (peer, addrs) => void this.learn(peer, addrs),
    });
  }

  get models(): ModelTransfer {
    return this.libp2p.services.models;
  }

  get updates(): UpdatePush {
    return this.libp2p.services.updates;
  }

  start(): void {
    this.libp2p.addEventListener('peer:connect', (evt) =>
      this.events.record({ type: 'peer-connect', peer: evt.detail.toString() }),
    );
    this.libp2p.addEventListener('peer:disconnect', (evt) =>
      this.events.record({ type: 'peer-disconnect', peer: evt.detail.toString() }),
    );
    this.announcements.start();
    this.heartbeats.start();
    const list = this.options.bootstrap ?? [];
    if (list.length > 0) {
      this.rebootstrapTimer = setInterval(
        () => void this.rebootstrap(list),
        this.options.rebootstrapIntervalMs ?? DEFAULT_REBOOTSTRAP_INTERVAL_MS,
      );
      this.rebootstrapTimer.unref();
    }
  }

  addrs(): string[] {
    return this.libp2p.getMultiaddrs().map((ma) => ma.toString());
  }

  elect(
    round: number,
    elapsedMs: number,
    failoverDeadlineMs?: number,
    view?: ElectionView,
  ): AggregatorChoice {
    const snapshot = view ?? electionView(this.heartbeats.view, Date.now());
    const choice = aggregatorFor(snapshot, round, elapsedMs, failoverDeadlineMs);
    const key = `${round}:${choice.rank}:${choice.peer}`;
    if (key !== this.lastElection) {
      this.lastElection = key;
      this.events.record({
        type: 'election',
        round,
        peer: choice.peer,
        rank: choice.rank,
        candidates: choice.ranking.length,
        self: choice.peer === this.peerId.toString(),
      });
    }
    return choice;
  }

  async stop(): Promise<void> {
    clearInterval(this.rebootstrapTimer);
    try {
      await this.heartbeats.stop();
      this.announcements.stop();
    } finally {
      await this.libp2p.stop();
      this.events.record({ type: 'stop', peer: this.peerId.toString() });
      await this.events.close();
    }
  }

  /** libp2p's bootstrap dials once: while alone, dial the list again. */
  private async rebootstrap(list: readonly string[]): Promise<void> {
    if (this.libp2p.status !== 'started' || this.libp2p.getConnections().length > 0) return;
    await Promise.all(
      list.map(async (addr) => {
        try {
          await this.libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(this.dialTimeoutMs) });
        } catch (err) {
          this.events.record({
            type: 'error',
            msg: 'dial',
            detail: `${addr}: ${String(err)}`,
            reason: (err as Error).name,
          });
        }
      }),
    );
  }

  /** Remember a peer's addresses and, unless disabled, dial it if not connected. */
  private async learn(peer: string, addrs: readonly string[]): Promise<void> {
    if (peer === this.peerId.toString() || addrs.length === 0 || this.dialing.has(peer)) return;
    this.dialing.add(peer);
    try {
      const id = peerIdFromString(peer);
      await this.libp2p.peerStore.merge(id, { multiaddrs: addrs.map((a) => multiaddr(a)) });
      if (this.options.dialDiscovered === false || this.libp2p.status !== 'started') return;
      if (this.libp2p.getConnections(id).length > 0) return;
      await this.libp2p.dial(id, { signal: AbortSignal.timeout(this.dialTimeoutMs) });
    } catch (err) {
      this.events.record({
        type: 'error',
        msg: 'dial',
        peer,
        reason: (err as Error).name,
        detail: String(err),
      });
    } finally {
      this.dialing.delete(peer);
    }
  }
}
