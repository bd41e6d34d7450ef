import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signAnnouncement, type ReceivedAnnouncement } from '../../src/node/announcements.js';
import { NoRecipientsError } from '../../src/node/errors.js';
import { loadOrCreateIdentity } from '../../src/node/identity.js';
import { sha256Hex } from '../../src/protocol/hash.js';
import { announceTopic } from '../../src/protocol/ids.js';
import { startFederation, startNode, stopAll, waitFor, type TestNode } from './helpers.js';

describe('node/network (4 loopback peers)', function () {
  this.timeout(20_000);
  let nodes: TestNode[] = [];
  const received = new Map<string, ReceivedAnnouncement[]>();

  before(async () => {
    ({ nodes } = await startFederation(4));
    for (const t of nodes) {
      const list: ReceivedAnnouncement[] = [];
      received.set(t.node.peerId.toString(), list);
      t.node.announcements.onAnnouncement((r) => list.push(r));
    }
  });
  after(async () => stopAll(nodes));

  it('connect through bootstrap and see each other in their heartbeat views', async () => {
    await waitFor(() => nodes.every((t) => t.node.heartbeats.livePeers().length === 4), 8000, 'full views');
    const ids = nodes.map((t) => t.node.peerId.toString()).sort();
    for (const t of nodes) assert.deepEqual(t.node.heartbeats.livePeers(), ids);
    // addresses learnt from heartbeats let peers dial each other directly (full mesh)
    await waitFor(() => nodes.every((t) => t.node.libp2p.getPeers().length === 3), 5000, 'full mesh');
    const rec = nodes[1].node.heartbeats.view.members.get(nodes[2].node.peerId.toString())?.record;
    assert.ok(rec !== undefined && rec.addrs.length > 0 && rec.addrs[0].startsWith('/ip4/127.0.0.1/tcp/'));
  });

  it('elect the same aggregator on every peer, fail over in the same order, and log elections', () => {
    const first = nodes.map((t) => t.node.elect(12, 0, 1000));
    assert.equal(new Set(first.map((c) => c.peer)).size, 1);
    const second = nodes.map((t) => t.node.elect(12, 1500, 1000));
    assert.ok(second.every((c) => c.rank === 1 && c.peer === first[0].ranking[1]));
    for (const t of nodes) {
      const elections = t.log.events.filter((e) => e.type === 'election' && e.round === 12);
      assert.deepEqual(
        elections.map((e) => e.rank),
        [0, 1],
      );
    }
  });

  it('deliver a signed announcement to every other peer', async () => {
    const aggregator = nodes[2].node;
    await waitFor(
      () => aggregator.libp2p.services.pubsub.getSubscribers(aggregator.announcements.topic).length === 3,
      5000,
      'subscribers',
    );
    const contentHash = sha256Hex(new TextEncoder().encode('model-r7'));
    const inline = new Uint8Array(1000).fill(7);
    const { recipients } = await aggregator.announcements.publish({
      round: 7,
      contentHash,
      size: 10_000_000,
      contributors: nodes.map((t) => t.node.peerId.toString()),
      sampleCount: 400,
      inline,
    });
    assert.ok(recipients.length >= 1);
    const others = nodes.filter((t) => t.node !== aggregator);
    await waitFor(
      () => others.every((t) => (received.get(t.node.peerId.toString()) ?? []).length === 1),
      5000,
      'announcements',
    );
    for (const t of others) {
      const [r] = received.get(t.node.peerId.toString())!;
      assert.equal(r.from, aggregator.peerId.toString());
      assert.equal(r.announcement.aggregator, aggregator.peerId.toString());
      assert.deepEqual(
        [r.announcement.round, r.announcement.contentHash, r.announcement.size],
        [7, contentHash, 10_000_000],
      );
      assert.deepEqual([...r.announcement.inline!], [...inline]);
      assert.ok(t.log.events.some((e) => e.type === 'recv' && e.msg === 'announcement' && e.round === 7));
    }
    assert.equal(received.get(aggregator.peerId.toString())!.length, 0, 'no self delivery');
  });

  it('reject malformed and forged announcements with a named reason, and keep running', async () => {
    const sender = nodes[0].node;
    const topic = announceTopic('test-fed');
    const pubsub = sender.libp2p.services.pubsub;
    await pubsub.publish(topic, new Uint8Array([1, 2, 3, 4, 5]));
    // signed by the sender but naming another peer as aggregator
    const forged = await signAnnouncement(
      {
        federation: 'test-fed',
        round: 8,
        contentHash: sha256Hex(new Uint8Array([8])),
        size: 1,
        contributors: [],
        aggregator: nodes[1].node.peerId.toString(),
        timestamp: Date.now(),
        sampleCount: 1,
      },
      await loadOrCreateIdentity(join(nodes[0].dataDir, 'identity.key')),
    );
    await pubsub.publish(topic, forged);
    const reasons = (t: TestNode) =>
      t.log.events.filter((e) => e.type === 'reject' && e.msg === 'announcement').map((e) => e.reason);
    const direct = nodes.slice(1);
    await waitFor(() => direct.every((t) => reasons(t).length >= 2), 5000, 'rejections');
    for (const t of direct) {
      assert.ok(reasons(t).includes('MalformedMessageError'), reasons(t).join());
      assert.ok(reasons(t).includes('SignatureError'), reasons(t).join());
    }
    // still running: a valid announcement goes through
    const before = received.get(nodes[1].node.peerId.toString())!.length;
    await sender.announcements.publish({
      round: 9,
      contentHash: sha256Hex(new Uint8Array([9])),
      size: 1,
      contributors: [],
      sampleCount: 1,
    });
    await waitFor(
      () => received.get(nodes[1].node.peerId.toString())!.length === before + 1,
      5000,
      'valid after invalid',
    );
    assert.equal(received.get(nodes[1].node.peerId.toString())!.at(-1)!.announcement.round, 9);
  });

  it('a lone node refuses to publish into the void (NoRecipientsError)', async () => {
    const lone = await startNode({ events: undefined });
    try {
      await assert.rejects(
        lone.node.announcements.publish({
          round: 1,
          contentHash: sha256Hex(new Uint8Array()),
          size: 0,
          contributors: [],
          sampleCount: 0,
        }),
        NoRecipientsError,
      );
    } finally {
      await stopAll([lone]);
    }
  });
});

describe('node/events (JSONL)', function () {
  this.timeout(10_000);
  it('writes one JSON object per line with a timestamp', async () => {
    const { nodes } = await startFederation(2, { events: undefined });
    try {
      await waitFor(() => nodes[1].node.heartbeats.livePeers().length === 2, 5000, 'heartbeat');
      await nodes[1].node.stop();
      const lines = (await readFile(join(nodes[1].dataDir, 'events.jsonl'), 'utf8')).trim().split('\n');
      const events = lines.map((l) => JSON.parse(l) as { ts: number; type: string; msg?: string });
      assert.ok(events.every((e) => typeof e.ts === 'number' && typeof e.type === 'string'));
      assert.ok(events.some((e) => e.type === 'recv' && e.msg === 'heartbeat'));
      assert.deepEqual([events[0].type, events.at(-1)!.type], ['start', 'stop']);
    } finally {
      await stopAll(nodes);
    }
  });
});
