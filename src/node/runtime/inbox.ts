import type { TensorEncoding } from '../../protocol/compression/container.js';
import type { UpdateHeaderMessage } from '../../protocol/messages/index.js';
import {
  validateUpdateBody,
  validateUpdateHeader,
  type UpdateSpec,
  type Verdict,
} from '../../protocol/validate.js';
import type { EventSink } from '../events.js';
import type { ReceivedUpdate, UpdateHandler } from '../update-push.js';
import type { Wakeup } from './wake.js';

/** An update held for aggregation. */
export interface HeldUpdate {
  from: string;
  sampleCount: number;
  encoding: TensorEncoding;
  body: Uint8Array;
  receivedAt: number;
  /** True for this peer's own update (never sent over the network). */
  local: boolean;
}

/** Options of `UpdateInbox`. */
export interface UpdateInboxInit {
  federation: string;
  /** Container entries and shapes of a valid update. */
  tensors: Readonly<Record<string, readonly number[]>>;
  events: EventSink;
  /** Woken on every accepted update. */
  wake?: Wakeup;
}

/**
 * The updates of the current round, as every peer holds them (any peer may have to take over
 * aggregation). Installed as the node's update handler: headers are checked before the body is sent
 * (`validateUpdateHeader`: federation, sender, round window = the open round only, base model hash,
 * sample count, size), bodies after (`validateUpdateBody`: hash, names, shapes, finite values). A peer
 * that is behind answers `future-round`, one that is ahead `stale-round`. A sender's later update
 * replaces its earlier one.
 */
export class UpdateInbox implements UpdateHandler {
  private round = -1;
  private baseHash = '';
  private readonly held = new Map<string, HeldUpdate>();

  constructor(private readonly init: UpdateInboxInit) {}

  /** Accept updates of `round` computed from the global model `baseHash`; drops what was held. */
  open(round: number, baseHash: string): void {
    this.round = round;
    this.baseHash = baseHash;
    this.held.clear();
  }

  /** The open round (-1 before the first). */
  get openRound(): number {
    return this.round;
  }

  /** Hold this peer's own update. */
  addLocal(from: string, update: Omit<HeldUpdate, 'from' | 'local' | 'receivedAt'>): void {
    this.held.set(from, { ...update, from, local: true, receivedAt: Date.now() });
    this.init.wake?.notify();
  }

  /** Held updates, by sender. */
  updates(): HeldUpdate[] {
    return [...this.held.values()];
  }

  /** Senders of the held updates. */
  senders(): Set<string> {
    return new Set(this.held.keys());
  }

  checkHeader(header: UpdateHeaderMessage, from: string): Verdict {
    return validateUpdateHeader(header, from, this.spec());
  }

  onUpdate(update: ReceivedUpdate): Verdict {
    const from = update.from.toString();
    const spec = this.spec();
    const early = validateUpdateHeader(update.header, from, spec);
    if (!early.ok) return early;
    const verdict = validateUpdateBody(update.header, update.body, spec);
    if (!verdict.ok) return verdict;
    this.held.set(from, {
      from,
      sampleCount: update.header.sampleCount,
      encoding: update.header.encoding,
      body: update.body,
      receivedAt: Date.now(),
      local: false,
    });
    this.init.events.record({
      type: 'round',
      msg: 'update-held',
      round: this.round,
      peer: from,
      bytes: update.body.byteLength,
      held: this.held.size,
    });
    this.init.wake?.notify();
    return { ok: true };
  }

  private spec(): UpdateSpec {
    return {
      federation: this.init.federation,
      round: this.round,
      tensors: this.init.tensors,
      baseHash: this.baseHash,
    };
  }
}
