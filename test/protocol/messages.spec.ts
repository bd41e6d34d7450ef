import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256Hex } from '../../src/protocol/hash.js';
import { announceTopic, heartbeatTopic, MODEL_PROTOCOL, UPDATE_PROTOCOL } from '../../src/protocol/ids.js';
import { PEER_STATUSES } from '../../src/protocol/membership.js';
import { TENSOR_ENCODINGS } from '../../src/protocol/compression/container.js';
import {
  decodeAnnouncementBody,
  decodeHeartbeat,
  decodeModelChunk,
  decodeModelRequest,
  decodeModelResponse,
  decodeSignedAnnouncement,
  decodeUpdateAck,
  decodeUpdateChunk,
  decodeUpdateHeader,
  encodeAnnouncementBody,
  encodeHeartbeat,
  encodeModelChunk,
  encodeModelRequest,
  encodeModelResponse,
  encodeSignedAnnouncement,
  encodeUpdateAck,
  encodeUpdateChunk,
  encodeUpdateHeader,
  MAX_INLINE_BYTES,
  type Announcement,
  type HeartbeatMessage,
  type UpdateHeaderMessage,
} from '../../src/protocol/messages/index.js';
import { Heartbeat } from '../../src/protocol/messages/heartbeat.pb.js';
import { fakePeer } from './fixtures.js';

const peerArb = fc.nat(1000).map(fakePeer);
const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => sha256Hex(b));
const fedArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const u32 = fc.nat(0xffffffff);
const safe = fc.nat(Number.MAX_SAFE_INTEGER);

const heartbeatArb: fc.Arbitrary<HeartbeatMessage> = fc.record({
  federation: fedArb,
  peer: peerArb,
  round: u32,
  modelHash: fc.oneof(fc.constant(''), hashArb),
  sampleCount: safe,
  status: fc.constantFrom(...PEER_STATUSES),
  timestamp: safe,
  addrs: fc.array(
    fc.nat(65535).map((p) => `/ip4/127.0.0.1/tcp/${p}`),
    { maxLength: 4 },
  ),
});

const headerArb: fc.Arbitrary<UpdateHeaderMessage> = fc
  .record({
    federation: fedArb,
    round: u32,
    sender: peerArb,
    sampleCount: safe,
    baseHash: fc.oneof(fc.constant(''), hashArb),
    encoding: fc.constantFrom(...TENSOR_ENCODINGS),
    bodyBytes: fc.nat(1 << 30),
    chunkBytes: fc.integer({ min: 1, max: 4 << 20 }),
    bodyHash: hashArb,
  })
  .map((h) => ({ ...h, chunkCount: Math.ceil(h.bodyBytes / h.chunkBytes) }));

const announcementArb: fc.Arbitrary<Announcement> = fc.record(
  {
    federation: fedArb,
    round: u32,
    contentHash: hashArb,
    size: safe,
    contributors: fc.array(peerArb, { maxLength: 20 }),
    aggregator: peerArb,
    timestamp: safe,
    sampleCount: safe,
    inline: fc.uint8Array({ maxLength: 512 }),
  },
  {
    requiredKeys: [
      'federation',
      'round',
      'contentHash',
      'size',
      'contributors',
      'aggregator',
      'timestamp',
      'sampleCount',
    ],
  },
);

describe('protocol/messages', () => {
  it('carries versioned protocol IDs and topics', () => {
    assert.equal(UPDATE_PROTOCOL, '/fedmetanas/update/1.0.0');
    assert.equal(MODEL_PROTOCOL, '/fedmetanas/model/1.0.0');
    assert.equal(announceTopic('lab-1'), '/fedmetanas/lab-1/announce/1');
    assert.equal(heartbeatTopic('lab-1'), '/fedmetanas/lab-1/heartbeat/1');
    assert.throws(() => announceTopic('a/b'), { name: 'ProtocolArgumentError' });
  });

  it('round-trips heartbeats (property)', () => {
    fc.assert(
      fc.property(heartbeatArb, (m) => assert.deepEqual(decodeHeartbeat(encodeHeartbeat(m)), { ...m })),
      { numRuns: 200 },
    );
  });

  it('round-trips update headers, chunks and acks (property)', () => {
    fc.assert(
      fc.property(headerArb, (h) => assert.deepEqual(decodeUpdateHeader(encodeUpdateHeader(h)), { ...h })),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.nat(1000), fc.uint8Array({ maxLength: 4096 }), (index, data) => {
        const back = decodeUpdateChunk(encodeUpdateChunk({ index, data }), index);
        assert.deepEqual([back.index, [...back.data]], [index, [...data]]);
      }),
      { numRuns: 100 },
    );
    const ack = { accepted: false, reason: 'stale-round', detail: 'round must be >= 3, found 1' };
    assert.deepEqual(decodeUpdateAck(encodeUpdateAck(ack)), ack);
  });

  it('round-trips announcements and the signed envelope (property)', () => {
    fc.assert(
      fc.property(announcementArb, fc.uint8Array({ minLength: 64, maxLength: 64 }), (a, sig) => {
        const env = decodeSignedAnnouncement(
          encodeSignedAnnouncement({ body: encodeAnnouncementBody(a), signature: sig }),
        );
        const back = decodeAnnouncementBody(env.body);
        assert.deepEqual(
          { ...back, inline: back.inline && [...back.inline] },
          { ...a, inline: a.inline && [...a.inline] },
        );
        assert.deepEqual([...env.signature], [...sig]);
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips model requests, responses and chunks', () => {
    const h = sha256Hex(new Uint8Array([1]));
    assert.deepEqual(decodeModelRequest(encodeModelRequest(h)), { hash: h });
    const r = { status: 'ok' as const, size: 10_000_000, chunkCount: 10, chunkBytes: 1 << 20 };
    assert.deepEqual(decodeModelResponse(encodeModelResponse(r)), r);
    assert.equal(
      decodeModelResponse(encodeModelResponse({ status: 'not-found', size: 0, chunkCount: 0, chunkBytes: 0 }))
        .status,
      'not-found',
    );
    assert.equal(decodeModelChunk(encodeModelChunk({ index: 3, data: new Uint8Array(5) }), 3).data.length, 5);
  });

  it('rejects malformed, oversized and unknown-version input with named errors', () => {
    assert.throws(() => decodeHeartbeat(Uint8Array.of(0xff, 0xff, 0xff)), { name: 'MalformedMessageError' });
    assert.throws(() => decodeHeartbeat(new Uint8Array(20_000)), { name: 'MessageTooLargeError' });
    const v2 = Heartbeat.encode({ version: 2, federation: 'f', peer: fakePeer(1) });
    assert.throws(() => decodeHeartbeat(v2), { name: 'UnsupportedVersionError' });
    assert.throws(
      () => decodeHeartbeat(Heartbeat.encode({ federation: 'f', peer: fakePeer(1) })),
      /version must be 1, found 0/,
    );
    const badPeer = Heartbeat.encode({ version: 1, federation: 'f', peer: 'not a peer' });
    assert.throws(() => decodeHeartbeat(badPeer), { name: 'InvalidMessageFieldError' });
    const badHash = Heartbeat.encode({
      version: 1,
      federation: 'f',
      peer: fakePeer(1),
      modelHash: new Uint8Array(31),
    });
    assert.throws(() => decodeHeartbeat(badHash), /model hash must be 32 bytes/);
    const header = {
      federation: 'f',
      round: 1,
      sender: fakePeer(2),
      sampleCount: 1,
      baseHash: '',
      encoding: 'fp32' as const,
      bodyBytes: 100,
      chunkCount: 2,
      chunkBytes: 10,
      bodyHash: sha256Hex(new Uint8Array()),
    };
    assert.throws(() => decodeUpdateHeader(encodeUpdateHeader(header)), /chunk count must be ceil/);
    assert.throws(
      () => decodeUpdateChunk(encodeUpdateChunk({ index: 1, data: new Uint8Array(1) }), 0),
      /index must be 0/,
    );
    assert.throws(
      () => decodeUpdateChunk(encodeUpdateChunk({ index: 0, data: new Uint8Array(100) }), 0, 10),
      { name: 'MessageTooLargeError' },
    );
    const big = {
      federation: 'f',
      round: 1,
      contentHash: header.bodyHash,
      size: 1,
      contributors: [],
      aggregator: fakePeer(3),
      timestamp: 1,
      sampleCount: 1,
      inline: new Uint8Array(MAX_INLINE_BYTES + 1),
    };
    assert.throws(() => encodeAnnouncementBody(big), /inline payload must be < 64 KiB/);
    assert.throws(
      () =>
        decodeSignedAnnouncement(
          encodeSignedAnnouncement({ body: new Uint8Array(3), signature: new Uint8Array() }),
        ),
      /signature must be/,
    );
  });

  it('never throws anything but named errors on random bytes (property)', () => {
    const named = [
      'MalformedMessageError',
      'MessageTooLargeError',
      'UnsupportedVersionError',
      'InvalidMessageFieldError',
    ];
    const decoders = [
      decodeHeartbeat,
      decodeUpdateHeader,
      decodeAnnouncementBody,
      decodeSignedAnnouncement,
      decodeModelRequest,
      decodeModelResponse,
      decodeUpdateAck,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(decoders.length - 1), (bytes, which) => {
        try {
          decoders[which](bytes);
        } catch (err) {
          assert.ok(named.includes((err as Error).name), `${decoders[which].name}: ${String(err)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
