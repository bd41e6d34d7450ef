import assert from 'node:assert/strict';
import {
  aggregatorFor,
  compareAggregateClaims,
  rankAggregators,
  rendezvousScore,
  resolveAggregateConflict,
  type AggregateClaim,
} from '../../src/protocol/election.js';
import { ProtocolArgumentError } from '../../src/protocol/errors.js';
import { fakePeers } from './fixtures.js';

const FED = 'fed-test';
const peers = fakePeers(8);
const view = { federation: FED, peers };

describe('protocol/election', () => {
  it('ranks identically whatever the order of the view', () => {
    const shuffled = { federation: FED, peers: [...peers].reverse() };
    for (let round = 0; round < 20; round++) {
      assert.deepEqual(rankAggregators(shuffled, round), rankAggregators(view, round));
    }
  });

  it('ranks by descending rendezvous score', () => {
    const ranking = rankAggregators(view, 7);
    const scores = ranking.map((p) => rendezvousScore(FED, 7, p));
    assert.deepEqual(scores, [...scores].sort().reverse());
    assert.equal(new Set(ranking).size, peers.length);
  });

  it('rotates the first choice over rounds', () => {
    const firsts = new Set<string>();
    for (let round = 0; round < 64; round++) firsts.add(rankAggregators(view, round)[0]);
    assert.ok(firsts.size >= 6, `only ${firsts.size} distinct aggregators over 64 rounds`);
  });

  it('hands over to rank k after k deadlines, then wraps around', () => {
    const ranking = rankAggregators(view, 3);
    const deadline = 1000;
    assert.equal(aggregatorFor(view, 3, 0, deadline).peer, ranking[0]);
    assert.equal(aggregatorFor(view, 3, 999, deadline).peer, ranking[0]);
    const second = aggregatorFor(view, 3, 1000, deadline);
    assert.deepEqual([second.peer, second.rank, second.since, second.until], [ranking[1], 1, 1000, 2000]);
    assert.equal(aggregatorFor(view, 3, 7500, deadline).peer, ranking[7]);
    assert.equal(aggregatorFor(view, 3, 8000, deadline).rank, 0);
  });

  it('removing a dead peer does not reorder the others', () => {
    const ranking = rankAggregators(view, 11);
    const without = rankAggregators({ federation: FED, peers: peers.filter((p) => p !== ranking[0]) }, 11);
    assert.deepEqual(without, ranking.slice(1));
  });

  it('depends on the federation name', () => {
    const other = rankAggregators({ federation: 'other', peers }, 5);
    const a = Array.from({ length: 10 }, (_, r) => rankAggregators(view, r)[0]);
    const b = Array.from({ length: 10 }, (_, r) => rankAggregators({ federation: 'other', peers }, r)[0]);
    assert.ok(other.length === peers.length && a.join() !== b.join());
  });

  it('rejects an empty view and bad arguments with named errors', () => {
    assert.throws(() => aggregatorFor({ federation: FED, peers: [] }, 1, 0, 10), ProtocolArgumentError);
    assert.throws(() => aggregatorFor(view, 1, -1, 10), { name: 'ProtocolArgumentError' });
    assert.throws(() => aggregatorFor(view, 1, 0, 0), /failoverDeadline must be/);
    assert.throws(() => rankAggregators(view, 1.5), /round must be an integer/);
  });

  describe('split-view rule', () => {
    const round = 4;
    const ranking = rankAggregators(view, round);
    const claim = (aggregator: string, contributors: number, hash: string): AggregateClaim => ({
      round,
      aggregator,
      contentHash: hash.repeat(64),
      contributors: peers.slice(0, contributors),
    });

    it('prefers more contributors', () => {
      const a = claim(ranking[3], 5, 'a');
      const b = claim(ranking[0], 4, 'b');
      assert.equal(resolveAggregateConflict(FED, [b, a]), a);
      assert.equal(resolveAggregateConflict(FED, [a, b]), a);
    });

    it('then the better-ranked aggregator, then the lower hash', () => {
      const a = claim(ranking[2], 4, 'c');
      const b = claim(ranking[1], 4, 'd');
      assert.equal(resolveAggregateConflict(FED, [a, b]), b);
      const c = claim(ranking[1], 4, 'a');
      assert.equal(resolveAggregateConflict(FED, [a, b, c]), c);
    });

    it('counts distinct contributors and is order independent', () => {
      const dup: AggregateClaim = {
        ...claim(ranking[5], 0, 'e'),
        contributors: [peers[0], peers[0], peers[0]],
      };
      const two = claim(ranking[6], 2, 'f');
      assert.ok(compareAggregateClaims(FED, two, dup) < 0);
      const claims = [claim(ranking[4], 3, '1'), claim(ranking[0], 3, '2'), two, dup];
      const winners = new Set(
        [0, 1, 2, 3].map((s) => resolveAggregateConflict(FED, [...claims.slice(s), ...claims.slice(0, s)])),
      );
      assert.equal(winners.size, 1);
    });

    it('refuses to compare different rounds', () => {
      assert.throws(
        () =>
          compareAggregateClaims(FED, claim(ranking[0], 1, 'a'), { ...claim(ranking[0], 1, 'a'), round: 5 }),
        ProtocolArgumentError,
      );
      assert.throws(() => resolveAggregateConflict(FED, []), ProtocolArgumentError);
    });
  });
});
