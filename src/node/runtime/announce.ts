import { NoRecipientsError } from '../errors.js';
import { errorMessage } from '../signal.js';
import type { Claim } from './claims.js';
import { readyOthers, type RoundContext } from './round-context.js';
import { backoffMs, sleep } from './wake.js';

/**
 * Sign and gossip the announcement of this peer's aggregate. Gossipsub reports a publish that reached
 * nobody (`NoRecipientsError`, e.g. while the mesh forms): retry with backoff for `publishRetryMs`
 * while other peers are live; alone, nobody needs it. Never throws: failures are logged, and peers that
 * miss the announcement catch up from heartbeats.
 */
export async function publishClaim(ctx: RoundContext, claim: Claim): Promise<void> {
  const { settings } = ctx;
  const deadline = Date.now() + settings.publishRetryMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.node.announcements.publish(
        {
          round: claim.round,
          contentHash: claim.contentHash,
          size: claim.size,
          contributors: claim.contributors,
          sampleCount: claim.sampleCount,
        },
        { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(settings.publishRetryMs)]) },
      );
      return;
    } catch (err) {
      const alone = readyOthers(ctx).length === 0;
      if (!(err instanceof NoRecipientsError) || alone || Date.now() > deadline || ctx.signal.aborted) {
        if (!alone) {
          ctx.node.events.record({
            type: 'error',
            msg: 'announcement',
            round: claim.round,
            reason: (err as Error).name,
            detail: errorMessage(err),
          });
        }
        return;
      }
      await sleep(backoffMs(attempt, settings.retryMinMs, settings.retryMaxMs), ctx.signal).catch(() => {});
    }
  }
}
