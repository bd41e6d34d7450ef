import assert from 'node:assert/strict';
import { participantCount, sampleParticipants } from '../../src/protocol/sampling.js';
import { fakePeers } from './fixtures.js';

const peers = fakePeers(20);
const base = { federation: 'fed', seed: 42 };

describe('protocol/sampling', () => {
  it('gives the same answer on every peer (any input order)', () => {
    const s1 = sampleParticipants(peers, { ...base, round: 3, fraction: 0.3 });
    const s2 = sampleParticipants([...peers].reverse(), { ...base, round: 3, fraction: 0.3 });
    assert.deepEqual(s1, s2);
    assert.equal(s1.length, 6);
    assert.deepEqual(s1, [...s1].sort());
  });

  it('varies with round and seed', () => {
    const r = (round: number, seed: number) =>
      sampleParticipants(peers, { federation: 'fed', seed, round, count: 5 }).join();
    assert.notEqual(r(1, 42), r(2, 42));
    assert.notEqual(r(1, 42), r(1, 43));
  });

  it('changes at most one choice when one peer leaves', () => {
    const before = sampleParticipants(peers, { ...base, round: 9, count: 8 });
    const after = sampleParticipants(
      peers.filter((p) => p !== before[0]),
      { ...base, round: 9, count: 8 },
    );
    assert.equal(after.filter((p) => before.includes(p)).length, 7);
  });

  it('counts with fraction, count, minimum and caps', () => {
    assert.equal(participantCount(10, { fraction: 0.25 }), 3);
    assert.equal(participantCount(10, { fraction: 0.01, minCount: 2 }), 2);
    assert.equal(participantCount(3, { count: 5 }), 3);
    assert.equal(participantCount(7, {}), 7);
    assert.equal(sampleParticipants([], { ...base, round: 0, fraction: 0.5 }).length, 0);
  });

  it('rejects bad options with named errors', () => {
    assert.throws(() => participantCount(5, { fraction: 0 }), { name: 'ProtocolArgumentError' });
    assert.throws(() => participantCount(5, { fraction: 0.5, count: 2 }), /not both/);
    assert.throws(() => participantCount(5, { count: 0 }), /count must be/);
    assert.throws(() => sampleParticipants(peers, { ...base, round: -1 }), /round must be/);
  });
});
