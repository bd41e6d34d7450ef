import assert from 'node:assert/strict';
import {
  applyHeartbeat,
  createView,
  electionView,
  isLive,
  livePeers,
  pruneExpired,
  removePeer,
  type HeartbeatRecord,
} from '../../src/protocol/membership.js';
import { fakePeers } from './fixtures.js';

const [a, b, c] = fakePeers(3);
const hb = (peer: string, timestamp: number, extra: Partial<HeartbeatRecord> = {}): HeartbeatRecord => ({
  peer,
  round: 0,
  modelHash: '',
  sampleCount: 10,
  status: 'idle',
  timestamp,
  addrs: [],
  ...extra,
});

describe('protocol/membership', () => {
  const view0 = createView('fed', { heartbeatIntervalMs: 100, expiryIntervals: 3 });

  it('adds peers and expires them after N intervals of silence (local clock)', () => {
    let v = applyHeartbeat(view0, hb(a, 5), 1000);
    v = applyHeartbeat(v, hb(b, 999_999), 1100); // sender clock is irrelevant to liveness
    assert.deepEqual(livePeers(v, 1100), [a, b].sort());
    assert.ok(isLive(v, a, 1299));
    assert.ok(!isLive(v, a, 1300));
    assert.deepEqual(livePeers(v, 1300), [b]);
    const pruned = pruneExpired(v, 1300);
    assert.deepEqual([...pruned.members.keys()], [b]);
    assert.equal(pruneExpired(pruned, 1300), pruned, 'unchanged view is returned as is');
  });

  it('ignores older heartbeats of a live peer but accepts them after expiry', () => {
    let v = applyHeartbeat(view0, hb(a, 50, { round: 3 }), 1000);
    const same = applyHeartbeat(v, hb(a, 40, { round: 1 }), 1050);
    assert.equal(same, v);
    v = applyHeartbeat(v, hb(a, 40, { round: 1 }), 2000);
    assert.equal(v.members.get(a)?.record.round, 1);
  });

  it('removes a peer on leaving status or explicit removal, without mutating the input', () => {
    const v = applyHeartbeat(applyHeartbeat(view0, hb(a, 1), 0), hb(c, 1), 0);
    const left = applyHeartbeat(v, hb(a, 2, { status: 'leaving' }), 10);
    assert.deepEqual(livePeers(left, 10), [c]);
    assert.deepEqual(livePeers(v, 10), [a, c].sort());
    assert.deepEqual(livePeers(removePeer(v, c), 10), [a]);
  });

  it('snapshots an election view', () => {
    const v = applyHeartbeat(applyHeartbeat(view0, hb(b, 1), 0), hb(a, 1), 0);
    assert.deepEqual(electionView(v, 10), { federation: 'fed', peers: [a, b].sort() });
  });

  it('rejects bad options with named errors', () => {
    assert.throws(() => createView(''), { name: 'ProtocolArgumentError' });
    assert.throws(() => createView('f', { heartbeatIntervalMs: 0 }), /heartbeatIntervalMs must be/);
    assert.throws(() => createView('f', { expiryIntervals: 0.5 }), /expiryIntervals must be/);
  });
});
