import { heartbeatClaim, type Claim } from './claims.js';
import { PeerStartTimeoutError } from './errors.js';
import { otherRecords, readyOthers, setLocalState, type RoundContext } from './round-context.js';
import { pullModel } from './round-end.js';
import { roundInProgress, syncPlan } from './round-plan.js';

/** How a peer joined: take part at once, wait for an announced round's end, or adopt a pulled model first. */
export type JoinResult =
  { kind: 'participate' } | { kind: 'announced' } | { kind: 'catch-up'; claim: Claim; model: Uint8Array };

/**
 * Join the federation holding the global model `me.hash` of round `me.round`: wait until `minPeers`
 * peers are live or a federation is already running (announcements heard, ready peers ahead or busy),
 * then either catch up to the model most of the most advanced peers hold (pulled here; the caller adopts
 * it and waits for that round's end before taking part) or take part at once. At the start of a fresh
 * federation, waits until `minPeers` peers (this one included) are ready, so that round 0 has them all.
 * Throws `PeerStartTimeoutError` after `startTimeoutMs`.
 */
export async function joinFederation(
  ctx: RoundContext,
  me: { round: number; hash: string },
): Promise<JoinResult> {
  const { settings, wake, claims, node } = ctx;
  const deadline = Date.now() + settings.startTimeoutMs;
  const waitOrFail = async (what: string) => {
    if (Date.now() > deadline) {
      throw new PeerStartTimeoutError(
        `Error in joinFederation: ${what} within ${settings.startTimeoutMs} ms, found ${otherRecords(ctx).length} other live peers (${readyOthers(ctx).length} ready) in federation ${node.federation}; check --bootstrap, the key file and that every peer uses the same search flags`,
      );
    }
    await wake.wait(settings.tickMs, ctx.signal);
  };
  for (;;) {
    if (claims.latestRound() >= me.round) {
      node.events.record({
        type: 'sync',
        msg: 'announced',
        round: me.round,
        target: claims.latestRound() + 1,
      });
      return { kind: 'announced' };
    }
    const ready = readyOthers(ctx);
    if (roundInProgress(me.round, ready) || (me.round > 0 && ready.length > 0)) break;
    if (otherRecords(ctx).length + 1 >= settings.minPeers) break;
    await waitOrFail(`${settings.minPeers} peers must be live`);
  }
  const plan = syncPlan(me, readyOthers(ctx));
  node.events.record({
    type: 'sync',
    msg: plan.kind,
    round: me.round,
    hash: me.hash,
    ...(plan.kind === 'catch-up' ? { target: plan.round, holders: plan.holders } : {}),
  });
  if (plan.kind === 'catch-up') {
    const claim = heartbeatClaim(plan, Date.now());
    const pulled = await pullModel(ctx, claim, deadline, ctx.signal);
    return { kind: 'catch-up', claim, model: pulled.bytes };
  }
  setLocalState(ctx, { round: me.round, modelHash: me.hash, status: 'idle' });
  while (me.round === 0 && readyOthers(ctx).length + 1 < settings.minPeers) {
    if (roundInProgress(me.round, readyOthers(ctx)) || claims.latestRound() >= 0) break;
    await waitOrFail(`${settings.minPeers} peers must be ready`);
  }
  return { kind: 'participate' };
}
