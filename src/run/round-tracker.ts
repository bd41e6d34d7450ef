import type { RoundRecord } from '../node/runtime/progress.js';
import { poolFigures } from './simulate-summary.js';

/** A round ready to be shown: every peer expected to report it did (or stopped, or moved past it). */
export interface RoundLine {
  round: number;
  records: RoundRecord[];
  /** Time from the first report of the previous round to the first report of this one. */
  durationMs: number;
}

interface Pending {
  expected: Set<number>;
  records: Map<number, RoundRecord>;
  firstAt: number;
}

/**
 * Groups the peers' round records for display: a round is shown once every peer that was running when
 * it was first reported has reported it or a later round, or has stopped.
 */
export class RoundTracker {
  private readonly rounds = new Map<number, Pending>();
  /** Latest round reported, by reporter. */
  private readonly latest = new Map<number, number>();
  private nextToShow = 0;
  private lastFirstAt = Date.now();

  /**
   * Add a record from reporter `from` (a child process: a restarted peer is a new reporter) while
   * `running` reporters are up; true when it is the first report of its round.
   */
  add(r: RoundRecord, from: number, running: readonly number[]): boolean {
    this.latest.set(from, Math.max(r.round, this.latest.get(from) ?? -1));
    const p = this.rounds.get(r.round);
    if (p !== undefined) {
      p.records.set(r.index, r);
      return false;
    }
    this.rounds.set(r.round, {
      expected: new Set(running),
      records: new Map([[r.index, r]]),
      firstAt: Date.now(),
    });
    return true;
  }

  /** True once some peer reported `round`. */
  seen(round: number): boolean {
    return this.rounds.has(round);
  }

  /** Rounds now complete given the `running` reporters, in order (`all`: every remaining round). */
  flush(running: readonly number[], all = false): RoundLine[] {
    const out: RoundLine[] = [];
    const alive = new Set(running);
    for (;;) {
      const p = this.rounds.get(this.nextToShow);
      if (p === undefined) break;
      const complete = [...p.expected].every(
        (i) => !alive.has(i) || (this.latest.get(i) ?? -1) >= this.nextToShow,
      );
      if (!complete && !all) break;
      out.push({
        round: this.nextToShow,
        records: [...p.records.values()].sort((a, b) => a.index - b.index),
        durationMs: p.firstAt - this.lastFirstAt,
      });
      this.lastFirstAt = p.firstAt;
      this.nextToShow++;
    }
    return out;
  }
}

/** One progress line for a round of a simulation. */
export function formatRoundLine(line: RoundLine, rounds: number, ids: readonly string[]): string {
  const idx = (peer: string) => {
    const i = ids.indexOf(peer);
    return i < 0 ? peer.slice(-6) : String(i);
  };
  const main = line.records.find((r) => r.aggregation !== undefined) ?? line.records[0];
  const local = poolFigures(line.records.flatMap((r) => (r.local ? [r.local] : [])));
  const hashes = new Set(line.records.map((r) => r.hash));
  const update = line.records.find((r) => r.updateBytes > 0)?.updateBytes ?? 0;
  return (
    `round ${line.round + 1}/${rounds}: aggregator peer ${idx(main.aggregator)}, ` +
    `contributors [${main.contributors.map(idx).join(', ')}], ` +
    `acc ${local ? `${(100 * local.accuracy).toFixed(2)}%` : 'n/a'} on ${local?.count ?? 0} local test images, ` +
    `model ${main.hash.slice(0, 12)} (${(main.bytes / 1024).toFixed(1)} KiB, update ${(update / 1024).toFixed(1)} KiB)` +
    `${hashes.size > 1 ? ` DIVERGED (${hashes.size} models)` : ''}` +
    `${main.aggregation ? ` [${main.aggregation.reason}]` : ''} ${(line.durationMs / 1000).toFixed(1)} s`
  );
}
