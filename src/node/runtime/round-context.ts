import { isLive, liveRecords, type HeartbeatRecord, type PeerStatus } from '../../protocol/membership.js';
import type { FedNode } from '../peer.js';
import type { ClaimBook } from './claims.js';
import type { UpdateInbox } from './inbox.js';
import { isReady } from './round-plan.js';
import type { RoundSettings } from './settings.js';
import type { Trainer } from './trainer.js';
import type { TrainerInfo } from './trainer-messages.js';
import type { Wakeup } from './wake.js';

/** Run-wide values every round needs (the harness's schedule). */
export interface RunSchedule {
  seed: number;
  rounds: number;
  tauMax: number;
  tauMin: number;
}

/** What a round runs on: the node, the trainer, the shared inbox and claim book, the settings. */
export interface RoundContext {
  node: FedNode;
  trainer: Trainer;
  info: TrainerInfo;
  inbox: UpdateInbox;
  claims: ClaimBook;
  wake: Wakeup;
  settings: RoundSettings;
  schedule: RunSchedule;
  /** Aborts when the peer stops. */
  signal: AbortSignal;
}

/** This node's peer ID string. */
export function selfId(ctx: RoundContext): string {
  return ctx.node.peerId.toString();
}

/** True when `peer` is this node or was heard from within the heartbeat expiry window. */
export function peerIsLive(ctx: RoundContext, peer: string, now = Date.now()): boolean {
  return peer === selfId(ctx) || isLive(ctx.node.heartbeats.view, peer, now);
}

/** Latest heartbeats of the other live members. */
export function otherRecords(ctx: RoundContext, now = Date.now()): HeartbeatRecord[] {
  const self = selfId(ctx);
  return liveRecords(ctx.node.heartbeats.view, now).filter((r) => r.peer !== self);
}

/** The other live members that take part in rounds (not joining or leaving). */
export function readyOthers(ctx: RoundContext, now = Date.now()): HeartbeatRecord[] {
  return otherRecords(ctx, now).filter(isReady);
}

/** True when `peer` is live and not joining (this node counts as ready). */
export function peerIsReady(ctx: RoundContext, peer: string, now = Date.now()): boolean {
  if (peer === selfId(ctx)) return true;
  const entry = ctx.node.heartbeats.view.members.get(peer);
  return entry !== undefined && isLive(ctx.node.heartbeats.view, peer, now) && isReady(entry.record);
}

/** Report a new local state in heartbeats (and beat at once when it changed). */
export function setLocalState(
  ctx: RoundContext,
  state: { round: number; modelHash: string; status: PeerStatus },
): void {
  const prev = ctx.node.state;
  ctx.node.state = { ...state, sampleCount: ctx.info.sampleCount };
  if (prev.round !== state.round || prev.modelHash !== state.modelHash || prev.status !== state.status) {
    void ctx.node.heartbeats.beat();
  }
}
