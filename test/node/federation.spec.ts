import { multiaddr } from '@multiformats/multiaddr';
import assert from 'node:assert/strict';
import { generatePsk } from '../../src/node/psk.js';
import { sha256Hex } from '../../src/protocol/hash.js';
import type { FedNode } from '../../src/node/peer.js';
import { startNode, stopAll, waitFor, type TestNode } from './helpers.js';

/** Dial `to` from `from` with a short timeout; true when a connection is up afterwards. */
async function tryDial(from: FedNode, to: FedNode): Promise<boolean> {
  try {
    await from.libp2p.dial(multiaddr(to.addrs()[0]), { signal: AbortSignal.timeout(1000) });
  } catch {
    // refused
  }
  await new Promise((r) => setTimeout(r, 100));
  return from.libp2p.getConnections(to.peerId).length > 0 || to.libp2p.getConnections(from.peerId).length > 0;
}

describe('node/federation (private network and allowlist)', function () {
  this.timeout(20_000);
  const psk = generatePsk();
  let a: TestNode | undefined;
  let wrong: TestNode | undefined;
  let keyless: TestNode | undefined;

  before(async () => {
    [a, wrong, keyless] = await Promise.all([
      startNode({ psk }),
      startNode({ psk: generatePsk() }),
      startNode({}),
    ]);
  });
  after(async () => stopAll([a, wrong, keyless]));

  it('refuses a peer with another federation key, in both directions', async () => {
    assert.equal(await tryDial(wrong!.node, a!.node), false);
    assert.equal(await tryDial(a!.node, wrong!.node), false);
    assert.equal(a!.node.libp2p.getConnections().length, 0);
  });

  it('refuses a peer without a key, in both directions', async () => {
    assert.equal(await tryDial(keyless!.node, a!.node), false);
    assert.equal(await tryDial(a!.node, keyless!.node), false);
    assert.equal(a!.node.libp2p.getConnections().length, 0);
  });

  it('accepts a peer with the same key', async () => {
    const b = await startNode({ psk });
    try {
      assert.equal(await tryDial(b.node, a!.node), true);
    } finally {
      await stopAll([b]);
    }
  });
});

describe('node/federation allowlist', function () {
  this.timeout(20_000);
  const psk = generatePsk();
  let nodes: TestNode[] = [];
  after(async () => stopAll(nodes));

  it('refuses an off-allowlist peer on connection (both directions) and on relayed messages', async () => {
    // b and c are open nodes (no allowlist); a allows only b.
    const b = await startNode({ psk });
    const c = await startNode({ psk });
    const a = await startNode({ psk, allowlist: [b.node.peerId.toString()], dialDiscovered: false });
    nodes = [a, b, c];
    assert.equal(await tryDial(c.node, a.node), false, 'c -> a refused by a');
    assert.equal(await tryDial(a.node, c.node), false, 'a -> c refused by a');
    assert.equal(await tryDial(b.node, a.node), true, 'b -> a allowed');
    assert.equal(await tryDial(c.node, b.node), true, 'c -> b allowed (b is open)');
    // c's announcements reach a only through b, and a's validator rejects them
    await waitFor(
      () => b.node.libp2p.services.pubsub.getSubscribers(b.node.announcements.topic).length === 2,
      5000,
      'b sees a and c subscribed',
    );
    const got: string[] = [];
    a.node.announcements.onAnnouncement((r) => got.push(r.from));
    const cAnnounces = () =>
      c.node.announcements.publish({
        round: 1,
        contentHash: sha256Hex(new Uint8Array([1])),
        size: 1,
        contributors: [],
        sampleCount: 1,
      });
    await waitFor(
      async () => {
        await cAnnounces().catch(() => undefined);
        return a.log.events.some((e) => e.type === 'reject' && e.reason === 'not-allowlisted');
      },
      5000,
      'a rejects c',
    );
    assert.equal(got.length, 0);
    assert.equal(a.node.libp2p.getConnections(c.node.peerId).length, 0);
  });
});
