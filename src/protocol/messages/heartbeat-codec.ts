import { fromHex } from '../hash.js';
import { WIRE_VERSION } from '../ids.js';
import { PEER_STATUSES, type HeartbeatRecord, type PeerStatus } from '../membership.js';
import {
  checkCount,
  checkFederationField,
  checkPeerIdField,
  checkVersion,
  decodeBounded,
  hashField,
  invalid,
} from './checks.js';
import { Heartbeat } from './heartbeat.pb.js';
import { MAX_ADDR_CHARS, MAX_ADDRS, MAX_HEARTBEAT_BYTES } from './limits.js';

/** A heartbeat on the wire: the membership record plus the federation it belongs to. */
export interface HeartbeatMessage extends HeartbeatRecord {
  federation: string;
}

const STATUS_TO_WIRE: Record<PeerStatus, Heartbeat.Status> = {
  joining: Heartbeat.Status.JOINING,
  idle: Heartbeat.Status.IDLE,
  training: Heartbeat.Status.TRAINING,
  aggregating: Heartbeat.Status.AGGREGATING,
  leaving: Heartbeat.Status.LEAVING,
};

/** Encode a heartbeat (version `WIRE_VERSION`). */
export function encodeHeartbeat(m: HeartbeatMessage): Uint8Array {
  return Heartbeat.encode({
    version: WIRE_VERSION,
    federation: m.federation,
    peer: m.peer,
    round: m.round,
    modelHash: m.modelHash === '' ? new Uint8Array(0) : fromHex(m.modelHash),
    sampleCount: m.sampleCount,
    status: STATUS_TO_WIRE[m.status],
    timestamp: m.timestamp,
    addrs: [...m.addrs],
  });
}

/** Decode and check a heartbeat; throws the named errors of `../errors.ts`. */
export function decodeHeartbeat(bytes: Uint8Array, maxBytes: number = MAX_HEARTBEAT_BYTES): HeartbeatMessage {
  const fn = 'decodeHeartbeat';
  const m = decodeBounded(fn, bytes, maxBytes, (b) => Heartbeat.decode(b, { limits: { addrs: MAX_ADDRS } }));
  checkVersion(fn, m.version);
  checkFederationField(fn, m.federation);
  checkPeerIdField(fn, 'peer', m.peer);
  checkCount(fn, 'sample count', m.sampleCount);
  checkCount(fn, 'timestamp', m.timestamp);
  for (const a of m.addrs) {
    if (a.length > MAX_ADDR_CHARS || !a.startsWith('/')) {
      invalid(
        fn,
        `addrs must be multiaddr strings <= ${MAX_ADDR_CHARS} chars, found ${JSON.stringify(a.slice(0, 80))}`,
      );
    }
  }
  const status = PEER_STATUSES.find((s) => STATUS_TO_WIRE[s] === m.status);
  if (status === undefined)
    invalid(fn, `status must be one of ${PEER_STATUSES.join(', ')}, found ${m.status}`);
  return {
    federation: m.federation,
    peer: m.peer,
    round: m.round,
    modelHash: hashField(fn, 'model hash', m.modelHash, true),
    sampleCount: m.sampleCount,
    status,
    timestamp: m.timestamp,
    addrs: m.addrs,
  };
}
