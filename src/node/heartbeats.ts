import { TopicValidatorResult, type GossipSub, type GossipsubMessage, type Message } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { ProtocolError } from '../protocol/errors.js';
import { heartbeatTopic } from '../protocol/ids.js';
import {
  applyHeartbeat,
  createView,
  livePeers,
  type HeartbeatRecord,
  type MembershipView,
  type PeerStatus,
} from '../protocol/membership.js';
import {
  decodeHeartbeat,
  encodeHeartbeat,
  MAX_ADDRS,
  MAX_HEARTBEAT_BYTES,
  type HeartbeatMessage,
} from '../protocol/messages/index.js';
import { NoRecipientsError } from './errors.js';
import { NULL_EVENT_SINK, type EventSink } from './events.js';
import { publishChecked } from './gossip.js';

/** What the local peer reports in its heartbeats. */
export interface LocalState {
  round: number;
  modelHash: string;
  sampleCount: number;
  status: PeerStatus;
}

/** Options of `HeartbeatChannel`. */
export interface HeartbeatChannelInit {
  federation: string;
  peerId: PeerId;
  intervalMs?: number;
  expiryIntervals?: number;
  events?: EventSink;
  isAllowed?: (peer: string) => boolean;
  /** Dialable addresses to advertise. */
  addrs: () => string[];
  /** Current local state, read at every beat. */
  state: () => LocalState;
  /** Called with the addresses of every peer heard from (to feed the peer store / dial it). */
  onPeerAddrs?: (peer: string, addrs: readonly string[]) => void;
}

/**
 * Periodic heartbeats on `/fedmetanas/<federation>/heartbeat/1` and the membership view they build.
 * The validator rejects malformed heartbeats, heartbeats for another federation, heartbeats whose
 * `peer` is not the gossip author, and authors off the allowlist.
 */
export class HeartbeatChannel {
  readonly topic: string;
  /** Current membership view (immutable snapshots, replaced on every change). */
  view: MembershipView;
  private readonly events: EventSink;
  private readonly listeners = new Set<(r: HeartbeatRecord) => void>();
  private readonly decoded = new WeakMap<Message, HeartbeatMessage>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly onMessage = (evt: CustomEvent<GossipsubMessage>): void => this.deliver(evt.detail.msg);

  constructor(
    private readonly pubsub: GossipSub,
    private readonly init: HeartbeatChannelInit,
  ) {
    this.topic = heartbeatTopic(init.federation);
    this.events = init.events ?? NULL_EVENT_SINK;
    this.view = createView(init.federation, {
      heartbeatIntervalMs: init.intervalMs,
      expiryIntervals: init.expiryIntervals,
    });
  }

  start(): void {
    this.pubsub.topicValidators.set(this.topic, (peer, msg) => this.validate(peer, msg));
    this.pubsub.addEventListener('gossipsub:message', this.onMessage);
    this.pubsub.subscribe(this.topic);
    this.timer = setInterval(() => void this.beat(), this.view.heartbeatIntervalMs);
    this.timer.unref();
    void this.beat();
  }

  /** Stop beating; tells the others we leave (best effort). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beat('leaving');
    this.pubsub.unsubscribe(this.topic);
    this.pubsub.removeEventListener('gossipsub:message', this.onMessage);
    this.pubsub.topicValidators.delete(this.topic);
  }

  /** Listen to valid heartbeats; returns the unsubscribe function. */
  onHeartbeat(fn: (r: HeartbeatRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Live peers (self included) at `now`, sorted. */
  livePeers(now: number = Date.now()): string[] {
    return livePeers(this.view, now);
  }

  /** Publish one heartbeat now; returns how many peers it reached (0 when alone). */
  async beat(status?: PeerStatus): Promise<number> {
    const state = this.init.state();
    const m: HeartbeatMessage = {
      federation: this.init.federation,
      peer: this.init.peerId.toString(),
      ...state,
      status: status ?? state.status,
      timestamp: Date.now(),
      addrs: this.init.addrs().slice(0, MAX_ADDRS),
    };
    if (m.status !== 'leaving') this.view = applyHeartbeat(this.view, m, m.timestamp);
    const data = encodeHeartbeat(m);
    try {
      const recipients = await publishChecked(this.pubsub, this.topic, data, {
        maxBytes: MAX_HEARTBEAT_BYTES,
      });
      this.events.record({
        type: 'send',
        msg: 'heartbeat',
        topic: this.topic,
        round: m.round,
        bytes: data.byteLength,
        recipients: recipients.length,
      });
      return recipients.length;
    } catch (err) {
      if (err instanceof NoRecipientsError) return 0;
      this.events.record({
        type: 'error',
        msg: 'heartbeat',
        topic: this.topic,
        reason: (err as Error).name,
        detail: String(err),
      });
      return 0;
    }
  }

  private validate(via: PeerId, msg: Message): TopicValidatorResult {
    const reject = (reason: string, detail?: string): TopicValidatorResult => {
      this.events.record({
        type: 'reject',
        msg: 'heartbeat',
        topic: this.topic,
        peer: via.toString(),
        reason,
        detail,
        bytes: msg.data.byteLength,
      });
      return TopicValidatorResult.Reject;
    };
    if (msg.type !== 'signed') return reject('unsigned');
    const from = msg.from.toString();
    if (this.init.isAllowed !== undefined && !this.init.isAllowed(from))
      return reject('not-allowlisted', from);
    let m: HeartbeatMessage;
    try {
      m = decodeHeartbeat(msg.data);
    } catch (err) {
      if (err instanceof ProtocolError) return reject(err.name, err.message);
      throw err;
    }
    if (m.federation !== this.init.federation) return reject('wrong-federation', m.federation);
    if (m.peer !== from) return reject('author-mismatch', `peer ${m.peer} published by ${from}`);
    this.decoded.set(msg, m);
    return TopicValidatorResult.Accept;
  }

  private deliver(msg: Message): void {
    if (msg.topic !== this.topic || msg.type !== 'signed') return;
    const m = this.decoded.get(msg) ?? decodeHeartbeat(msg.data);
    const now = Date.now();
    this.view = applyHeartbeat(this.view, m, now);
    this.events.record({
      type: 'recv',
      msg: 'heartbeat',
      topic: this.topic,
      peer: m.peer,
      round: m.round,
      bytes: msg.data.byteLength,
      status: m.status,
      latencyMs: now - m.timestamp,
    });
    if (m.status !== 'leaving') this.init.onPeerAddrs?.(m.peer, m.addrs);
    const { federation: _federation, ...record } = m;
    for (const fn of this.listeners) fn(record);
  }
}
