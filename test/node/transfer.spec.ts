import assert from 'node:assert/strict';
import { BlobHashMismatchError, BlobUnavailableError, UpdateRejectedError } from '../../src/node/errors.js';
import { FramedStream } from '../../src/node/framing.js';
import { MemoryBlobStore } from '../../src/node/store.js';
import type { ReceivedUpdate } from '../../src/node/update-push.js';
import { compressUpdate } from '../../src/protocol/compression/index.js';
import { sha256Hex } from '../../src/protocol/hash.js';
import { UPDATE_PROTOCOL } from '../../src/protocol/ids.js';
import {
  decodeUpdateAck,
  encodeUpdateChunk,
  encodeUpdateHeader,
  MAX_HEADER_BYTES,
} from '../../src/protocol/messages/index.js';
import { validateUpdateBody, validateUpdateHeader, type UpdateSpec } from '../../src/protocol/validate.js';
import { generatePsk } from '../../src/node/psk.js';
import { startNode, stopAll, testBytes, waitFor, type TestNode } from './helpers.js';

/** A holder whose store serves altered bytes under the right hash. */
class CorruptStore extends MemoryBlobStore {
  override async get(hash: string): Promise<Uint8Array | undefined> {
    const bytes = await super.get(hash);
    if (bytes === undefined) return undefined;
    const altered = bytes.slice();
    altered[altered.length >> 1] ^= 0xff;
    return altered;
  }
}

describe('node/transfer (blobs by hash, update push)', function () {
  this.timeout(30_000);
  const psk = generatePsk();
  let good: TestNode, bad: TestNode, puller: TestNode;
  const blob = testBytes(10 * 1000 * 1000, 7);
  const hash = sha256Hex(blob);

  before(async () => {
    good = await startNode({ psk, store: new MemoryBlobStore() });
    [bad, puller] = await Promise.all([
      startNode({ psk, store: new CorruptStore(), bootstrap: good.node.addrs() }),
      startNode({ psk, store: new MemoryBlobStore(), bootstrap: good.node.addrs() }),
    ]);
    await Promise.all([good.node.store.put(blob), bad.node.store.put(blob)]);
    await waitFor(() => puller.node.heartbeats.livePeers().length === 3, 8000, 'views');
  });
  after(async () => stopAll([good, bad, puller]));

  it('detects a corrupted transfer with a named error', async () => {
    await assert.rejects(
      puller.node.models.fetchFrom(bad.node.peerId, hash, { store: false }),
      BlobHashMismatchError,
    );
  });

  it('pulls a 10 MB blob by hash, refetching from another holder after a corrupted one', async () => {
    const res = await puller.node.models.fetch(hash, [bad.node.peerId, good.node.peerId]);
    assert.equal(res.from?.toString(), good.node.peerId.toString());
    assert.equal(res.attempts, 2);
    assert.equal(sha256Hex(res.bytes), hash);
    assert.ok(await puller.node.store.has(hash), 'stored after verification');
    const failed = puller.log.events.filter((e) => e.type === 'transfer-failed');
    assert.equal(failed.at(-1)?.reason, 'BlobHashMismatchError');
    assert.equal(failed.at(-1)?.peer, bad.node.peerId.toString());
  });

  it('fails with BlobUnavailableError when no holder delivers', async () => {
    const missing = sha256Hex(new Uint8Array([42]));
    const err = await puller.node.models
      .fetch(missing, [good.node.peerId, bad.node.peerId])
      .catch((e: unknown) => e);
    assert.ok(err instanceof BlobUnavailableError);
    assert.deepEqual(
      (err.causes as Error[]).map((e) => e.name),
      ['BlobNotFoundError', 'BlobNotFoundError'],
    );
  });

  describe('update push', () => {
    const tensors = { 'a.w': new Float32Array(300_000).fill(0.01), 'a.b': new Float32Array(10) };
    let specRound = 3;
    const accepted: ReceivedUpdate[] = [];

    before(() => {
      const spec = (): UpdateSpec => ({
        federation: 'test-fed',
        round: specRound,
        tensors: { 'a.w': [300_000], 'a.b': [10] },
        requireAll: true,
      });
      good.node.updates.setHandler({
        checkHeader: (h, from) => validateUpdateHeader(h, from, spec()),
        onUpdate: (u) => {
          const v = validateUpdateBody(u.header, u.body, spec());
          if (v.ok) accepted.push(u);
          return v.ok ? { ok: true } : v;
        },
      });
    });

    it('round-trips a compressed update to the aggregator', async () => {
      const { bytes } = compressUpdate(tensors, { encoding: 'fp16' });
      const ack = await puller.node.updates.push(good.node.peerId, {
        round: 3,
        sampleCount: 50,
        encoding: 'fp16',
        body: bytes,
      });
      assert.equal(ack.accepted, true);
      assert.equal(accepted.length, 1);
      const u = accepted[0];
      assert.equal(u.from.toString(), puller.node.peerId.toString());
      assert.deepEqual(
        [u.header.round, u.header.sampleCount, u.header.encoding, u.body.byteLength],
        [3, 50, 'fp16', bytes.byteLength],
      );
      assert.equal(sha256Hex(u.body), sha256Hex(bytes));
    });

    it('refuses a stale update before the body is sent, with a typed reason', async () => {
      specRound = 5;
      const { bytes } = compressUpdate(tensors, { encoding: 'int8' });
      const err = await puller.node.updates
        .push(good.node.peerId, { round: 3, sampleCount: 50, encoding: 'int8', body: bytes })
        .catch((e: unknown) => e);
      assert.ok(err instanceof UpdateRejectedError && err.reason === 'stale-round', String(err));
      assert.ok(
        good.log.events.some((e) => e.type === 'reject' && e.msg === 'update' && e.reason === 'stale-round'),
      );
    });

    it('answers a malformed header with reason "malformed" and keeps serving', async () => {
      const stream = await puller.node.libp2p.dialProtocol(good.node.peerId, UPDATE_PROTOCOL, {
        signal: AbortSignal.timeout(3000),
      });
      const framed = new FramedStream(stream, { maxFrameBytes: MAX_HEADER_BYTES });
      await framed.write(new Uint8Array([0xff, 0xff, 0xff, 0x01]), { signal: AbortSignal.timeout(3000) });
      const ack = decodeUpdateAck(await framed.read({ signal: AbortSignal.timeout(3000) }));
      assert.deepEqual([ack.accepted, ack.reason], [false, 'malformed']);
      assert.match(ack.detail, /MalformedMessageError/);
      await stream.close();
      const { bytes } = compressUpdate(tensors, { encoding: 'topk', ratio: 0.01 });
      const ok = await puller.node.updates.push(good.node.peerId, {
        round: 5,
        sampleCount: 1,
        encoding: 'topk',
        body: bytes,
      });
      assert.equal(ok.accepted, true);
    });

    it('answers an out-of-order chunk with reason "malformed"', async () => {
      const body = compressUpdate(tensors, { encoding: 'int8' }).bytes;
      const signal = AbortSignal.timeout(3000);
      const stream = await puller.node.libp2p.dialProtocol(good.node.peerId, UPDATE_PROTOCOL, { signal });
      const framed = new FramedStream(stream, { maxFrameBytes: MAX_HEADER_BYTES });
      const header = {
        federation: 'test-fed',
        round: 5,
        sender: puller.node.peerId.toString(),
        sampleCount: 1,
        baseHash: '',
        encoding: 'int8' as const,
        bodyBytes: body.byteLength,
        chunkCount: 1,
        chunkBytes: 1 << 20,
        bodyHash: sha256Hex(body),
      };
      await framed.write(encodeUpdateHeader(header), { signal });
      assert.equal(decodeUpdateAck(await framed.read({ signal })).accepted, true);
      await framed.write(encodeUpdateChunk({ index: 1, data: body }), { signal });
      const ack = decodeUpdateAck(await framed.read({ signal }));
      assert.deepEqual([ack.accepted, ack.reason], [false, 'malformed']);
      assert.match(ack.detail, /index must be 0, found 1/);
      await stream.close();
    });
  });
});
