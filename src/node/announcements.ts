import { TopicValidatorResult, type GossipSub, type GossipsubMessage, type Message } from '@libp2p/gossipsub';
import type { AbortOptions, PeerId, PrivateKey, PublicKey } from '@libp2p/interface';
import { SignatureError, ProtocolError, InvalidMessageFieldError } from '../protocol/errors.js';
import { announceTopic } from '../protocol/ids.js';
import {
  announcementSigningBytes,
  decodeAnnouncementBody,
  decodeSignedAnnouncement,
  encodeAnnouncementBody,
  encodeSignedAnnouncement,
  MAX_ANNOUNCEMENT_BYTES,
  type Announcement,
} from '../protocol/messages/index.js';
import { NULL_EVENT_SINK, type EventSink } from './events.js';
import { publishChecked } from './gossip.js';

/** What a receiver learns from a valid announcement. */
export interface ReceivedAnnouncement {
  announcement: Announcement;
  /** Gossip author (= aggregator = signer). */
  from: string;
  /** Peer that forwarded it to us. */
  via: string;
  bytes: number;
}

/** An extra acceptance rule (e.g. round window); return a reason string to reject. */
export type AnnouncementFilter = (a: Announcement, from: string) => string | undefined;

/** Options of `AnnouncementChannel`. */
export interface AnnouncementChannelInit {
  federation: string;
  privateKey: PrivateKey;
  peerId: PeerId;
  events?: EventSink;
  isAllowed?: (peer: string) => boolean;
  filter?: AnnouncementFilter;
}

/** Sign an announcement: the encoded signed envelope, ready to gossip. */
export async function signAnnouncement(a: Announcement, key: PrivateKey): Promise<Uint8Array> {
  const body = encodeAnnouncementBody(a);
  const signature = await key.sign(announcementSigningBytes(body));
  return encodeSignedAnnouncement({ body, signature });
}

/**
 * Decode and verify a signed announcement authored by `author` for `federation`. Throws the named
 * protocol errors on malformed input and `SignatureError` when the aggregator is not the author or the
 * signature does not verify.
 */
export async function openAnnouncement(
  bytes: Uint8Array,
  author: { id: string; key: PublicKey },
  federation: string,
): Promise<Announcement> {
  const envelope = decodeSignedAnnouncement(bytes, MAX_ANNOUNCEMENT_BYTES);
  const a = decodeAnnouncementBody(envelope.body, MAX_ANNOUNCEMENT_BYTES);
  if (a.federation !== federation) {
    throw new InvalidMessageFieldError(
      `Error in openAnnouncement: federation must be ${federation}, found ${a.federation}`,
    );
  }
  if (a.aggregator !== author.id) {
    throw new SignatureError(
      `Error in openAnnouncement: aggregator must be the author ${author.id}, found ${a.aggregator}`,
    );
  }
  if (!(await author.key.verify(announcementSigningBytes(envelope.body), envelope.signature))) {
    throw new SignatureError(
      `Error in openAnnouncement: signature must verify against ${author.id}, found a bad signature`,
    );
  }
  return a;
}

/**
 * Signed round announcements on `/fedmetanas/<federation>/announce/1`. A topic validator rejects
 * (before delivery and forwarding) anything unsigned at the gossip layer, off the allowlist, malformed,
 * for another federation, not authored by its aggregator, with a bad signature, or refused by `filter`.
 */
export class AnnouncementChannel {
  readonly topic: string;
  private readonly events: EventSink;
  private readonly listeners = new Set<(r: ReceivedAnnouncement) => void>();
  private readonly opened = new WeakMap<Message, Announcement>();
  private readonly onMessage = (evt: CustomEvent<GossipsubMessage>): void => this.deliver(evt.detail);

  constructor(
    private readonly pubsub: GossipSub,
    private readonly init: AnnouncementChannelInit,
  ) {
    this.topic = announceTopic(init.federation);
    this.events = init.events ?? NULL_EVENT_SINK;
  }

  start(): void {
    this.pubsub.topicValidators.set(this.topic, (peer, msg) => this.validate(peer, msg));
    this.pubsub.addEventListener('gossipsub:message', this.onMessage);
    this.pubsub.subscribe(this.topic);
  }

  stop(): void {
    this.pubsub.unsubscribe(this.topic);
    this.pubsub.removeEventListener('gossipsub:message', this.onMessage);
    this.pubsub.topicValidators.delete(this.topic);
  }

  /** Listen to valid announcements; returns the unsubscribe function. */
  onAnnouncement(fn: (r: ReceivedAnnouncement) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Sign and publish an announcement (aggregator, federation and timestamp are filled in). Throws
   * `NoRecipientsError` when nobody received it.
   */
  async publish(
    a: Omit<Announcement, 'aggregator' | 'federation' | 'timestamp'> & { timestamp?: number },
    options?: AbortOptions,
  ): Promise<{ recipients: string[]; bytes: number; announcement: Announcement }> {
    const announcement: Announcement = {
      ...a,
      federation: this.init.federation,
      aggregator: this.init.peerId.toString(),
      timestamp: a.timestamp ?? Date.now(),
    };
    const data = await signAnnouncement(announcement, this.init.privateKey);
    const recipients = await publishChecked(this.pubsub, this.topic, data, {
      ...options,
      maxBytes: MAX_ANNOUNCEMENT_BYTES,
    });
    this.events.record({
      type: 'send',
      msg: 'announcement',
      topic: this.topic,
      round: a.round,
      bytes: data.byteLength,
      hash: a.contentHash,
      recipients: recipients.length,
    });
    return { recipients, bytes: data.byteLength, announcement };
  }

  private async validate(via: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const reject = (reason: string, detail?: string): TopicValidatorResult => {
      this.events.record({
        type: 'reject',
        msg: 'announcement',
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
    let a: Announcement;
    try {
      a = await openAnnouncement(msg.data, { id: from, key: msg.key }, this.init.federation);
    } catch (err) {
      if (err instanceof ProtocolError) return reject(err.name, err.message);
      throw err;
    }
    const refused = this.init.filter?.(a, from);
    if (refused !== undefined) return reject(refused);
    this.opened.set(msg, a);
    return TopicValidatorResult.Accept;
  }

  private deliver({ msg, propagationSource }: GossipsubMessage): void {
    if (msg.topic !== this.topic || msg.type !== 'signed') return;
    // Gossipsub only delivers what the validator accepted; the decoded form is cached by message object.
    const a = this.opened.get(msg) ?? decodeAnnouncementBody(decodeSignedAnnouncement(msg.data).body);
    const r: ReceivedAnnouncement = {
      announcement: a,
      from: msg.from.toString(),
      via: propagationSource.toString(),
      bytes: msg.data.byteLength,
    };
    this.events.record({
      type: 'recv',
      msg: 'announcement',
      topic: this.topic,
      peer: r.from,
      via: r.via,
      round: a.round,
      bytes: r.bytes,
      hash: a.contentHash,
      latencyMs: Date.now() - a.timestamp,
    });
    for (const fn of this.listeners) fn(r);
  }
}
