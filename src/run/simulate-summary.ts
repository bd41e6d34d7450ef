import type { Genotype } from '../nas/genotype/types.js';
import type { DoneRecord, ProgressRecord, ReadyRecord, RoundRecord } from '../node/runtime/progress.js';
import type { EvalFigures } from '../node/runtime/trainer-messages.js';

/** A peer reference in the summary: its ID and, when known, its index. */
export interface PeerRef {
  peer: string;
  index?: number;
}

/** One round of a simulation, as the peers reported it. */
export interface SimulatedRound {
  round: number;
  aggregator: PeerRef;
  contributors: PeerRef[];
  hash: string;
  /** Every peer that reported the round adopted the same model. */
  hashesAgree: boolean;
  /** Indices of the peers that reported it. */
  reportedBy: number[];
  /** Size of the global model, and the update bytes the participants sent for the round. */
  globalBytes: number;
  updateBytes: number;
  pushes: number;
  /** The global model on the union of the reporting peers' local test splits (evaluation rounds). */
  local?: EvalFigures;
  aggregation?: RoundRecord['aggregation'];
  /** Mean per-peer phase times, milliseconds. */
  phasesMs: Record<string, number>;
}

/** One peer of a simulation. */
export interface SimulatedPeer {
  index: number;
  peer: string;
  finished: boolean;
  finalHash?: string;
  /** Times it was killed by the scenario, and rounds it resumed at from its checkpoint. */
  kills: number;
  resumedAt: number[];
}

/** What `simulate` writes to `summary.json`. */
export interface SimulationSummary {
  runDir: string;
  federation: string;
  method: string;
  rounds: SimulatedRound[];
  peers: SimulatedPeer[];
  /** Distinct aggregators over the rounds. */
  aggregators: number;
  finalHash?: string;
  /** Every finished peer ended with the same model. */
  allSameFinalHash: boolean;
  globalTest?: EvalFigures;
  genotype?: Genotype;
  dartsGenotype?: string;
  prunedCandidates?: number;
  backend?: string;
  wallTimeMs: number;
}

/** Inputs of `summarizeSimulation`. */
export interface SummaryInput {
  runDir: string;
  federation: string;
  method: string;
  ids: readonly string[];
  records: readonly ProgressRecord[];
  kills: ReadonlyMap<number, number>;
  wallTimeMs: number;
}

/** Pool per-peer figures (count-weighted). */
export function poolFigures(figures: readonly EvalFigures[]): EvalFigures | undefined {
  const count = figures.reduce((s, f) => s + f.count, 0);
  if (figures.length === 0 || count === 0) return undefined;
  const mean = (k: 'accuracy' | 'loss') =>
    figures.reduce((s, f) => s + (f.count > 0 ? f[k] * f.count : 0), 0) / count;
  return { accuracy: mean('accuracy'), loss: mean('loss'), count };
}

/** Build the summary of a simulation from every peer's progress records. */
export function summarizeSimulation(input: SummaryInput): SimulationSummary {
  const indexOf = new Map(input.ids.map((id, i) => [id, i]));
  const ref = (peer: string): PeerRef => ({
    peer,
    ...(indexOf.has(peer) ? { index: indexOf.get(peer) } : {}),
  });
  const byRound = new Map<number, Map<number, RoundRecord>>();
  const done = new Map<number, DoneRecord>();
  const ready: ReadyRecord[] = [];
  for (const r of input.records) {
    if (r.type === 'round') {
      const m = byRound.get(r.round) ?? new Map<number, RoundRecord>();
      m.set(r.index, r);
      byRound.set(r.round, m);
    } else if (r.type === 'done') done.set(r.index, r);
    else if (r.type === 'ready') ready.push(r);
  }
  const rounds: SimulatedRound[] = [...byRound.keys()]
    .sort((a, b) => a - b)
    .map((round) => {
      const recs = [...(byRound.get(round) as Map<number, RoundRecord>).values()].sort(
        (a, b) => a.index - b.index,
      );
      const hashes = new Map<string, number>();
      for (const r of recs) hashes.set(r.hash, (hashes.get(r.hash) ?? 0) + 1);
      const hash = [...hashes].sort((a, b) => b[1] - a[1])[0][0];
      const agreeing = recs.filter((r) => r.hash === hash);
      const main = agreeing.find((r) => r.aggregation !== undefined) ?? agreeing[0];
      const local = poolFigures(agreeing.flatMap((r) => (r.local ? [r.local] : [])));
      const phases: Record<string, number> = {};
      for (const key of Object.keys(main.phases)) {
        phases[key] =
          agreeing.reduce((s, r) => s + (r.phases as unknown as Record<string, number>)[key], 0) /
          agreeing.length;
      }
      return {
        round,
        aggregator: ref(main.aggregator),
        contributors: main.contributors.map(ref),
        hash,
        hashesAgree: hashes.size === 1,
        reportedBy: recs.map((r) => r.index),
        globalBytes: main.bytes,
        updateBytes: recs.reduce((s, r) => s + r.updateBytes * r.pushes, 0),
        pushes: recs.reduce((s, r) => s + r.pushes, 0),
        ...(local ? { local } : {}),
        ...(main.aggregation ? { aggregation: main.aggregation } : {}),
        phasesMs: phases,
      };
    });
  const peers: SimulatedPeer[] = input.ids.map((peer, index) => ({
    index,
    peer,
    finished: done.has(index),
    ...(done.has(index) ? { finalHash: done.get(index)?.hash } : {}),
    kills: input.kills.get(index) ?? 0,
    resumedAt: ready
      .filter((r) => r.index === index && r.resumedFrom !== undefined)
      .map((r) => r.resumedFrom as number),
  }));
  const finals = [...done.values()].sort((a, b) => a.index - b.index);
  const first = finals[0];
  return {
    runDir: input.runDir,
    federation: input.federation,
    method: input.method,
    rounds,
    peers,
    aggregators: new Set(rounds.map((r) => r.aggregator.peer)).size,
    ...(first ? { finalHash: first.hash } : {}),
    allSameFinalHash: finals.length > 0 && finals.every((d) => d.hash === first.hash),
    ...(first
      ? {
          globalTest: first.globalTest,
          genotype: first.genotype,
          dartsGenotype: first.dartsGenotype,
          prunedCandidates: first.prunedCandidates,
        }
      : {}),
    ...(ready[0] ? { backend: ready[0].backend } : {}),
    wallTimeMs: input.wallTimeMs,
  };
}
