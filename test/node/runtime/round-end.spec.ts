import assert from 'node:assert/strict';
import { MemoryEventLog } from '../../../src/node/events.js';
import type { FedNode } from '../../../src/node/peer.js';
import { ClaimBook, type Claim } from '../../../src/node/runtime/claims.js';
import { RoundRestartError, RoundTimeoutError } from '../../../src/node/runtime/errors.js';
import type { RoundContext } from '../../../src/node/runtime/round-context.js';
import { awaitClaim, type ClaimWatch } from '../../../src/node/runtime/round-end.js';
import { resolveRoundSettings } from '../../../src/node/runtime/settings.js';
import { Wakeup } from '../../../src/node/runtime/wake.js';
import { rankAggregators } from '../../../src/protocol/election.js';
import { applyHeartbeat, createView, type MembershipView } from '../../../src/protocol/membership.js';
import { fakePeers } from '../../protocol/fixtures.js';

const FED = 'fed-round-end';
const peers = fakePeers(4);
const [self] = peers;
const H = (c: string) => c.repeat(64);

/** A round context with just what `awaitClaim` reads: identity, membership view, claims, events. */
function context(view: MembershipView, settings: Parameters<typeof resolveRoundSettings>[0] = {}) {
  const wake = new Wakeup();
  const events = new MemoryEventLog();
  const node = { peerId: { toString: () => self }, federation: FED, heartbeats: { view }, events };
  const ctx = {
    node: node as unknown as FedNode,
    claims: new ClaimBook(FED, wake),
    wake,
    settings: resolveRoundSettings({
      tickMs: 10,
      failoverDeadlineMs: 200,
      eligibilitySlackMs: 0,
      ...settings,
    }),
    signal: new AbortController().signal,
  } as unknown as RoundContext;
  return { ctx, events };
}

function liveView(round = 2, hash = H('0')): MembershipView {
  let v = createView(FED, { heartbeatIntervalMs: 10_000 });
  for (const peer of peers.slice(1)) {
    v = applyHeartbeat(
      v,
      { peer, round, modelHash: hash, sampleCount: 1, status: 'idle', timestamp: Date.now(), addrs: [] },
      Date.now(),
    );
  }
  return v;
}

function claim(round: number, aggregator: string, hash: string, contributors = peers): Claim {
  return {
    round,
    aggregator,
    contentHash: hash,
    contributors,
    size: 1,
    sampleCount: 1,
    receivedAt: 0,
    source: 'announcement',
  };
}

const watch = (extra: Partial<ClaimWatch> = {}): ClaimWatch => ({
  round: 2,
  hash: H('0'),
  startedAt: Date.now(),
  view: { federation: FED, peers },
  ...extra,
});

describe('node/runtime/round-end: the claim that ends a round', () => {
  const ranking = rankAggregators({ federation: FED, peers }, 2);

  it('adopts the first-ranked announcer at once', async () => {
    const { ctx } = context(liveView());
    ctx.claims.add(claim(2, ranking[0], H('a')));
    const got = await awaitClaim(ctx, watch(), ctx.signal);
    assert.equal(got.contentHash, H('a'));
  });

  it('holds an early announcer until its failover slot comes, and logs the refusal once', async () => {
    const { ctx, events } = context(liveView());
    const started = Date.now();
    setTimeout(() => ctx.claims.add(claim(2, ranking[2], H('c'))), 20);
    const got = await awaitClaim(ctx, watch({ startedAt: started }), ctx.signal);
    assert.equal(got.contentHash, H('c'));
    assert.ok(Date.now() - started >= 2 * 200 - 20, 'not before rank 2 took over');
    assert.equal(events.events.filter((e) => e.type === 'reject' && e.reason === 'too-early').length, 1);
  });

  it('settles several eligible claims with the conflict rule', async () => {
    const { ctx } = context(liveView());
    ctx.claims.add(claim(2, ranking[0], H('a'), peers.slice(0, 2)));
    ctx.claims.add(claim(2, ranking[1], H('b'), peers.slice(0, 3)));
    const got = await awaitClaim(ctx, watch({ startedAt: Date.now() - 250 }), ctx.signal);
    assert.equal(got.contentHash, H('b'), 'more contributors wins');
  });

  it('jumps to a later round when this peer fell behind', async () => {
    const { ctx } = context(liveView());
    ctx.claims.add(claim(4, ranking[3], H('d')));
    const got = await awaitClaim(ctx, watch(), ctx.signal);
    assert.deepEqual([got.round, got.contentHash], [4, H('d')]);
  });

  it('restarts the round when a better claim for the previous round shows up', async () => {
    const { ctx, events } = context(liveView());
    const adopted = claim(1, peers[1], H('1'), peers.slice(0, 2));
    ctx.claims.add(adopted);
    setTimeout(() => ctx.claims.add(claim(1, peers[2], H('2'), peers)), 20);
    await assert.rejects(
      awaitClaim(ctx, watch({ previous: adopted }), ctx.signal),
      (e: Error) => e instanceof RoundRestartError && e.claim.contentHash === H('2'),
    );
    assert.equal(events.events.filter((e) => e.type === 'conflict').length, 1);
  });

  it('catches up from heartbeats when peers are a round ahead and no announcement came', async () => {
    const { ctx } = context(liveView(3, H('3')), { heartbeatCatchUpMs: 50 });
    const got = await awaitClaim(ctx, watch(), ctx.signal);
    assert.deepEqual([got.round, got.contentHash, got.source], [2, H('3'), 'heartbeat']);
    assert.equal(got.holders?.length, 3);
  });

  it('gives up after the longest round time', async () => {
    const { ctx } = context(liveView(), { maxRoundMs: 50 });
    await assert.rejects(awaitClaim(ctx, watch(), ctx.signal), RoundTimeoutError);
  });
});
