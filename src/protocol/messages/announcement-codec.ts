import { fromHex } from '../hash.js';
import { WIRE_VERSION } from '../ids.js';
import {
  checkCount,
  checkFederationField,
  checkPeerIdField,
  checkVersion,
  decodeBounded,
  hashField,
  invalid,
} from './checks.js';
import { AnnouncementBody, SignedAnnouncement } from './announcement.pb.js';
import { MAX_ANNOUNCEMENT_BYTES, MAX_CONTRIBUTORS, MAX_INLINE_BYTES } from './limits.js';

/** What an aggregator announces at the end of a round. */
export interface Announcement {
  federation: string;
  round: number;
  /** Hex SHA-256 of the aggregated model blob. */
  contentHash: string;
  /** Bytes of that blob. */
  size: number;
  contributors: readonly string[];
  /** Peer ID of the aggregator (the signer and gossip author). */
  aggregator: string;
  timestamp: number;
  sampleCount: number;
  /** Small inline payload (< 64 KiB), e.g. alphas and masks; never weights. */
  inline?: Uint8Array;
}

/** The signed envelope: exact body bytes and a signature over `announcementSigningBytes(body)`. */
export interface SignedAnnouncementMessage {
  body: Uint8Array;
  signature: Uint8Array;
}

/** Domain-separation prefix of announcement signatures. */
export const ANNOUNCEMENT_SIGNING_PREFIX = new TextEncoder().encode('fedmetanas/announcement/1:');

/** Largest signature accepted (Ed25519 signatures are 64 bytes; room for other key types). */
export const MAX_SIGNATURE_BYTES = 1024;

/** Encode an announcement body after checking its limits (`InvalidMessageFieldError` otherwise). */
export function encodeAnnouncementBody(a: Announcement): Uint8Array {
  const fn = 'encodeAnnouncementBody';
  if (a.inline !== undefined && a.inline.byteLength > MAX_INLINE_BYTES) {
    invalid(
      fn,
      `inline payload must be < 64 KiB (<= ${MAX_INLINE_BYTES} bytes), found ${a.inline.byteLength}`,
    );
  }
  if (a.contributors.length > MAX_CONTRIBUTORS) {
    invalid(fn, `contributors must be <= ${MAX_CONTRIBUTORS}, found ${a.contributors.length}`);
  }
  return AnnouncementBody.encode({
    version: WIRE_VERSION,
    federation: a.federation,
    round: a.round,
    contentHash: fromHex(a.contentHash),
    size: a.size,
    contributors: [...a.contributors],
    aggregator: a.aggregator,
    timestamp: a.timestamp,
    sampleCount: a.sampleCount,
    inline: a.inline === undefined ? undefined : new Uint8Array(a.inline),
  });
}

/** Decode and check an announcement body. */
export function decodeAnnouncementBody(
  bytes: Uint8Array,
  maxBytes: number = MAX_ANNOUNCEMENT_BYTES,
): Announcement {
  const fn = 'decodeAnnouncementBody';
  const m = decodeBounded(fn, bytes, maxBytes, (b) =>
    AnnouncementBody.decode(b, { limits: { contributors: MAX_CONTRIBUTORS } }),
  );
  checkVersion(fn, m.version);
  checkFederationField(fn, m.federation);
  checkPeerIdField(fn, 'aggregator', m.aggregator);
  m.contributors.forEach((c, i) => checkPeerIdField(fn, `contributors[${i}]`, c));
  checkCount(fn, 'size', m.size);
  checkCount(fn, 'timestamp', m.timestamp);
  checkCount(fn, 'sample count', m.sampleCount);
  if (m.inline !== undefined && m.inline.byteLength > MAX_INLINE_BYTES) {
    invalid(fn, `inline payload must be <= ${MAX_INLINE_BYTES} bytes, found ${m.inline.byteLength}`);
  }
  const out: Announcement = {
    federation: m.federation,
    round: m.round,
    contentHash: hashField(fn, 'content hash', m.contentHash),
    size: m.size,
    contributors: m.contributors,
    aggregator: m.aggregator,
    timestamp: m.timestamp,
    sampleCount: m.sampleCount,
  };
  if (m.inline !== undefined) out.inline = m.inline;
  return out;
}

/** The bytes an aggregator signs: `ANNOUNCEMENT_SIGNING_PREFIX || body`. */
export function announcementSigningBytes(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(ANNOUNCEMENT_SIGNING_PREFIX.byteLength + body.byteLength);
  out.set(ANNOUNCEMENT_SIGNING_PREFIX, 0);
  out.set(body, ANNOUNCEMENT_SIGNING_PREFIX.byteLength);
  return out;
}

/** Encode the signed envelope. */
export function encodeSignedAnnouncement(s: SignedAnnouncementMessage): Uint8Array {
  return SignedAnnouncement.encode({ body: new Uint8Array(s.body), signature: new Uint8Array(s.signature) });
}

/** Decode the signed envelope (decode the body with `decodeAnnouncementBody`, verify the signature apart). */
export function decodeSignedAnnouncement(
  bytes: Uint8Array,
  maxBytes: number = MAX_ANNOUNCEMENT_BYTES,
): SignedAnnouncementMessage {
  const fn = 'decodeSignedAnnouncement';
  const m = decodeBounded(fn, bytes, maxBytes, (b) => SignedAnnouncement.decode(b));
  if (m.body.byteLength === 0) invalid(fn, 'body must not be empty, found 0 bytes');
  if (m.signature.byteLength === 0 || m.signature.byteLength > MAX_SIGNATURE_BYTES) {
    invalid(fn, `signature must be 1-${MAX_SIGNATURE_BYTES} bytes, found ${m.signature.byteLength}`);
  }
  return { body: m.body, signature: m.signature };
}
