import assert from 'node:assert/strict';
import { rankAggregators } from '../../../src/protocol/election.js';
import type { HeartbeatRecord, PeerStatus } from '../../../src/protocol/membership.js';
import { RuntimeConfigError } from '../../../src/node/runtime/errors.js';
import {
  announcerEligibility,
  collectDecision,
  currentAggregator,
  quorumCount,
  roundInProgress,
  syncPlan,
} from '../../../src/node/runtime/round-plan.js';
import { resolveRoundSettings } from '../../../src/node/runtime/settings.js';
import { fakePeers } from '../../protocol/fixtures.js';

const FED = 'fed-runtime';
const peers = fakePeers(5);
const view = { federation: FED, peers };
const all = () => true;
const D = 1000;

function record(
  peer: string,
  round: number,
  modelHash: string,
  status: PeerStatus = 'idle',
): HeartbeatRecord {
  return { peer, round, modelHash, sampleCount: 10, status, timestamp: 1, addrs: [] };
}

describe('node/runtime/round-plan: who aggregates at time t', () => {
  it('follows aggregatorFor while everyone is live: rank 0, then rank k after k deadlines', () => {
    const ranking = rankAggregators(view, 4);
    const at = (t: number) => currentAggregator(view, 4, t, D, all);
    assert.deepEqual([at(0).peer, at(0).rank, at(0).reason], [ranking[0], 0, 'rank-slot']);
    assert.equal(at(999).peer, ranking[0]);
    assert.deepEqual([at(1000).peer, at(1000).rank], [ranking[1], 1]);
    assert.equal(at(2500).peer, ranking[2]);
    assert.equal(at(5000).rank, 0, 'starts over after the last rank');
  });

  it('skips candidates whose heartbeats expired, without waiting for a deadline', () => {
    const ranking = rankAggregators(view, 9);
    const dead = new Set([ranking[0], ranking[1]]);
    const c = currentAggregator(view, 9, 10, D, (p) => !dead.has(p));
    assert.deepEqual([c.peer, c.rank, c.slotRank, c.reason], [ranking[2], 2, 0, 'skip-dead']);
    assert.deepEqual(c.skipped, [ranking[0], ranking[1]]);
    const later = currentAggregator(view, 9, 3500, D, (p) => p !== ranking[3]);
    assert.equal(later.peer, ranking[4], 'from the slot rank on');
  });

  it('keeps the slot choice when nobody is live', () => {
    const c = currentAggregator(view, 2, 0, D, () => false);
    assert.equal(c.peer, rankAggregators(view, 2)[0]);
    assert.equal(c.reason, 'rank-slot');
  });
});

describe('node/runtime/round-plan: announcer eligibility', () => {
  const ranking = rankAggregators(view, 6);

  it('accepts rank 0 at once, rank k once its slot (plus slack) has come', () => {
    assert.equal(announcerEligibility(view, 6, ranking[0], 0, D, all, 0).ok, true);
    const early = announcerEligibility(view, 6, ranking[2], 500, D, all, 0);
    assert.equal(early.ok, false);
    assert.equal(early.reason, 'too-early');
    assert.equal(announcerEligibility(view, 6, ranking[2], 2000, D, all, 0).ok, true);
    assert.equal(announcerEligibility(view, 6, ranking[2], 1800, D, all, 200).ok, true, 'with slack');
    assert.equal(announcerEligibility(view, 6, ranking[2], 1700, D, all, 200).ok, false);
  });

  it('accepts a later rank at once when every better rank is dead', () => {
    const v = announcerEligibility(view, 6, ranking[2], 0, D, (p) => p === ranking[2] || p === ranking[3], 0);
    assert.deepEqual([v.ok, v.reason], [true, 'better-ranks-dead']);
  });

  it('ranks an announcer missing from the view by its own score', () => {
    const outsider = fakePeers(6)[5];
    const rank = rankAggregators({ federation: FED, peers: [...peers, outsider] }, 6).indexOf(outsider);
    const v = announcerEligibility(view, 6, outsider, rank * D, D, all, 0);
    assert.deepEqual([v.ok, v.rank], [true, rank]);
  });
});

describe('node/runtime/round-plan: quorum', () => {
  it('counts a fraction of the expected participants, at least one', () => {
    assert.equal(quorumCount(4, 1), 4);
    assert.equal(quorumCount(4, 0.5), 2);
    assert.equal(quorumCount(3, 0.5), 2);
    assert.equal(quorumCount(0, 1), 1);
    assert.equal(quorumCount(10, 0.3), 3);
    assert.throws(
      () => quorumCount(4, 0),
      (e: Error) => e instanceof RuntimeConfigError && /quorum must be in/.test(e.message),
    );
  });

  it('aggregates with every expected update at once', () => {
    const d = collectDecision({
      expected: peers.slice(0, 3),
      received: new Set(peers.slice(0, 3)),
      inChargeMs: 0,
      roundTimeoutMs: 1000,
      quorum: 1,
    });
    assert.deepEqual([d.aggregate, d.reason, d.missing], [true, 'all-received', []]);
  });

  it('waits for the missing ones until the round timeout, then settles for a quorum', () => {
    const base = { expected: peers.slice(0, 4), received: new Set(peers.slice(0, 2)), roundTimeoutMs: 1000 };
    assert.deepEqual(
      [
        collectDecision({ ...base, inChargeMs: 999, quorum: 0.5 }).aggregate,
        collectDecision({ ...base, inChargeMs: 999, quorum: 0.5 }).reason,
      ],
      [false, 'waiting'],
    );
    const late = collectDecision({ ...base, inChargeMs: 1000, quorum: 0.5 });
    assert.deepEqual([late.aggregate, late.reason, late.needed], [true, 'quorum-after-timeout', 2]);
    const short = collectDecision({ ...base, inChargeMs: 5000, quorum: 0.75 });
    assert.deepEqual(
      [short.aggregate, short.reason, short.missing],
      [false, 'waiting-quorum', peers.slice(2, 4)],
    );
  });

  it('never aggregates nothing', () => {
    const d = collectDecision({
      expected: [],
      received: new Set(),
      inChargeMs: 1e9,
      roundTimeoutMs: 1,
      quorum: 0.1,
    });
    assert.equal(d.aggregate, false);
  });

  it('counts unexpected senders towards the quorum', () => {
    const d = collectDecision({
      expected: peers.slice(0, 2),
      received: new Set([peers[0], peers[4]]),
      inChargeMs: 2000,
      roundTimeoutMs: 1000,
      quorum: 1,
    });
    assert.deepEqual([d.aggregate, d.missing], [true, [peers[1]]]);
  });
});

describe('node/runtime/round-plan: joining', () => {
  it('takes part when nobody ready is ahead', () => {
    assert.deepEqual(syncPlan({ round: 0, hash: 'h0' }, []), { kind: 'participate' });
    assert.deepEqual(syncPlan({ round: 0, hash: 'h0' }, [record(peers[1], 0, 'h0', 'training')]), {
      kind: 'participate',
    });
    assert.deepEqual(syncPlan({ round: 3, hash: 'h3' }, [record(peers[1], 2, 'h2')]), {
      kind: 'participate',
    });
    assert.deepEqual(syncPlan({ round: 0, hash: 'h0' }, [record(peers[1], 5, 'h5', 'joining')]), {
      kind: 'participate',
    });
  });

  it('catches up to the model most of the most advanced peers hold', () => {
    const plan = syncPlan({ round: 1, hash: 'h1' }, [
      record(peers[1], 3, 'b'),
      record(peers[2], 3, 'a'),
      record(peers[3], 3, 'b', 'training'),
      record(peers[4], 2, 'x'),
    ]);
    assert.deepEqual(plan, { kind: 'catch-up', round: 3, hash: 'b', holders: [peers[1], peers[3]] });
  });

  it('catches up at the same round when its model differs from everyone', () => {
    const plan = syncPlan({ round: 2, hash: 'mine' }, [record(peers[1], 2, 'z'), record(peers[2], 2, 'y')]);
    assert.deepEqual(plan, { kind: 'catch-up', round: 2, hash: 'y', holders: [peers[2]] });
  });

  it('sees a federation in progress from ready peers ahead or busy at its round', () => {
    assert.equal(roundInProgress(0, [record(peers[1], 0, 'h', 'idle')]), false);
    assert.equal(roundInProgress(0, [record(peers[1], 0, 'h', 'training')]), true);
    assert.equal(roundInProgress(0, [record(peers[1], 1, 'h', 'idle')]), true);
    assert.equal(roundInProgress(0, [record(peers[1], 4, 'h', 'joining')]), false);
  });
});

describe('node/runtime/settings', () => {
  it('fills defaults and names the first bad value', () => {
    const s = resolveRoundSettings({ quorum: 0.5, minPeers: 3 });
    assert.deepEqual([s.quorum, s.minPeers, s.participation], [0.5, 3, 1]);
    assert.throws(
      () => resolveRoundSettings({ roundTimeoutMs: -1 }),
      (e: Error) =>
        e.name === 'RuntimeConfigError' &&
        /roundTimeoutMs must be a positive finite number, found -1/.test(e.message),
    );
    assert.throws(
      () => resolveRoundSettings({ participation: 2 }),
      /participation must be in \(0, 1\], found 2/,
    );
  });
});
