import { ProtocolArgumentError } from './errors.js';

/** Version carried in the `version` field of every wire message. */
export const WIRE_VERSION = 1;

/** Stream protocol of update pushes (peer → aggregator). */
export const UPDATE_PROTOCOL = '/fedmetanas/update/1.0.0';

/** Stream protocol of blob pulls by content hash. */
export const MODEL_PROTOCOL = '/fedmetanas/model/1.0.0';

/** Federation names: 1-64 characters out of `A-Z a-z 0-9 . _ -`. */
export const FEDERATION_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Gossip topic of the signed round announcements of `federation`. */
export function announceTopic(federation: string): string {
  checkFederationName('announceTopic', federation);
  return `/fedmetanas/${federation}/announce/1`;
}

/** Gossip topic of the heartbeats of `federation`. */
export function heartbeatTopic(federation: string): string {
  checkFederationName('heartbeatTopic', federation);
  return `/fedmetanas/${federation}/heartbeat/1`;
}

/** Throws `ProtocolArgumentError` unless `federation` matches `FEDERATION_NAME_PATTERN`. */
export function checkFederationName(fn: string, federation: string): void {
  if (!FEDERATION_NAME_PATTERN.test(federation)) {
    throw new ProtocolArgumentError(
      `Error in ${fn}: federation must match ${FEDERATION_NAME_PATTERN}, found ${JSON.stringify(federation.slice(0, 80))}`,
    );
  }
}
