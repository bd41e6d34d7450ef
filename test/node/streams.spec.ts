import { multiaddr } from '@multiformats/multiaddr';
import assert from 'node:assert/strict';
import { FramedStream } from '../../src/node/framing.js';
import { generatePsk } from '../../src/node/psk.js';
import { MemoryBlobStore } from '../../src/node/store.js';
import { sha256Hex } from '../../src/protocol/hash.js';
import { startNode, stopAll, testBytes, waitFor, type TestNode } from './helpers.js';

const FLOOD = '/fedmetanas-test/flood/1.0.0';
const FRAME = 256 * 1024;

describe('node/streams (backpressure, concurrent pulls under pnet)', function () {
  this.timeout(30_000);
  const nodes: TestNode[] = [];
  after(async () => stopAll(nodes));

  it('a slow reader pauses the stream instead of buffering everything', async () => {
    const psk = generatePsk();
    const a = await startNode({ psk });
    const b = await startNode({ psk });
    nodes.push(a, b);
    const frames = 128; // 32 MiB
    await a.node.libp2p.handle(FLOOD, async (stream) => {
      const out = new FramedStream(stream, { maxFrameBytes: FRAME });
      const frame = new Uint8Array(FRAME);
      for (let i = 0; i < frames; i++) {
        frame[0] = i & 0xff;
        await out.write(frame, { signal: AbortSignal.timeout(20_000) });
      }
      await out.closeWrite();
    });
    const stream = await b.node.libp2p.dialProtocol(multiaddr(a.node.addrs()[0]), FLOOD, {
      signal: AbortSignal.timeout(5000),
    });
    const reader = new FramedStream(stream, { maxFrameBytes: FRAME, highWaterMark: 1024 * 1024 });
    for (let i = 0; i < frames; i++) {
      const f = await reader.read({ signal: AbortSignal.timeout(20_000) });
      assert.equal(f.byteLength, FRAME);
      assert.equal(f[0], i & 0xff);
      if (i % 8 === 0) await new Promise((r) => setTimeout(r, 15));
    }
    await stream.close();
    assert.ok(reader.pauses > 0, 'paused at least once');
    assert.ok(reader.peakBuffered < (frames * FRAME) / 2, `peak ${reader.peakBuffered} bytes buffered`);
  });

  it('serves a 10 MB blob to 4 concurrent pullers under pnet without crashing', async () => {
    const psk = generatePsk();
    const holder = await startNode({ psk, store: new MemoryBlobStore() });
    nodes.push(holder);
    const pullers = await Promise.all(
      Array.from({ length: 4 }, () =>
        startNode({ psk, store: new MemoryBlobStore(), bootstrap: holder.node.addrs() }),
      ),
    );
    nodes.push(...pullers);
    const blob = testBytes(10_000_000, 3);
    const hash = await holder.node.store.put(blob);
    await waitFor(() => holder.node.libp2p.getPeers().length === 4, 5000, 'pullers connected');
    const got = await Promise.all(
      pullers.map((p) => p.node.models.fetchFrom(holder.node.peerId, hash, { store: false })),
    );
    for (const bytes of got) assert.equal(sha256Hex(bytes), hash);
  });
});
