import type { GossipSub } from '@libp2p/gossipsub';
import type { AbortOptions } from '@libp2p/interface';
import { GossipPayloadTooLargeError, NoRecipientsError } from './errors.js';

/** Gossipsub never sends an RPC of 4 MiB or more, and still resolves `publish`: refuse far below it. */
export const GOSSIP_HARD_LIMIT_BYTES = 4 * 1024 * 1024;

/** Largest payload `publishChecked` accepts by default (room left for the RPC envelope). */
export const DEFAULT_MAX_GOSSIP_BYTES = 1024 * 1024;

/** Options of `publishChecked`. */
export interface PublishOptions extends AbortOptions {
  maxBytes?: number;
}

/**
 * Publish on gossipsub and fail loudly where gossipsub fails silently: payloads above `maxBytes`
 * (never >= 4 MiB) throw `GossipPayloadTooLargeError`, and a publish that reached nobody (empty
 * `recipients`, or `PublishError.NoPeersSubscribedToTopic`) throws `NoRecipientsError`.
 * Returns the peer IDs the message was sent to.
 */
export async function publishChecked(
  pubsub: GossipSub,
  topic: string,
  data: Uint8Array,
  options: PublishOptions = {},
): Promise<string[]> {
  const maxBytes = Math.min(
    options.maxBytes ?? DEFAULT_MAX_GOSSIP_BYTES,
    GOSSIP_HARD_LIMIT_BYTES - 64 * 1024,
  );
  if (data.byteLength > maxBytes) {
    throw new GossipPayloadTooLargeError(
      `Error in publishChecked: payload on ${topic} must be <= ${maxBytes} bytes (gossipsub drops >= 4 MiB silently; pull large data by hash), found ${data.byteLength}`,
    );
  }
  options.signal?.throwIfAborted();
  let recipients: string[];
  try {
    recipients = (await pubsub.publish(topic, data)).recipients.map((p) => p.toString());
  } catch (err) {
    if (err instanceof Error && err.message === 'PublishError.NoPeersSubscribedToTopic') recipients = [];
    else throw err;
  }
  if (recipients.length === 0) {
    throw new NoRecipientsError(
      `Error in publishChecked: a publish on ${topic} must reach at least one peer, found 0`,
    );
  }
  return recipients;
}
