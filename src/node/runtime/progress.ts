import type { Genotype } from '../../nas/genotype/types.js';
import type { RoundPhases } from './round.js';
import type { EvalFigures } from './trainer-messages.js';

/** First line of a peer: it is up and where to reach it. */
export interface ReadyRecord {
  type: 'ready';
  index: number;
  peer: string;
  addrs: string[];
  federation: string;
  /** Next round to run (from the checkpoint, else 0). */
  round: number;
  /** Set when the peer resumed from its checkpoint. */
  resumedFrom?: number;
  initialHash: string;
  sampleCount: number;
  backend: string;
}

/** One line per round this peer adopted a global model for. */
export interface RoundRecord {
  type: 'round';
  index: number;
  peer: string;
  /** The round the adopted model ends (0-based). */
  round: number;
  rounds: number;
  aggregator: string;
  contributors: readonly string[];
  /** Hash and size of the adopted global model. */
  hash: string;
  bytes: number;
  /** How the model was learnt: `announcement`, `self` (this peer aggregated), `heartbeat`. */
  source: string;
  participated: boolean;
  /** Bytes of this peer's update and how many pushes sent it. */
  updateBytes: number;
  pushes: number;
  tau: number;
  trainLoss?: number;
  /** The adopted model on this peer's local test split (absent on rounds without evaluation). */
  local?: EvalFigures;
  personalized?: EvalFigures;
  /** Aggregation details when this peer aggregated. */
  aggregation?: { reason: string; newlyPruned: number; prunedCandidates: number; ms: number };
  phases: RoundPhases & { eval: number };
  numTensors: number;
  at: string;
}

/** Last line of a peer that finished every round. */
export interface DoneRecord {
  type: 'done';
  index: number;
  peer: string;
  rounds: number;
  hash: string;
  globalTest: EvalFigures;
  genotype: Genotype;
  dartsGenotype: string;
  prunedCandidates: number;
  wallTimeMs: number;
  numTensors: number;
}

/** A peer that gave up. */
export interface ErrorRecord {
  type: 'error';
  index: number;
  peer?: string;
  name: string;
  message: string;
}

/** A line of a peer's progress output. */
export type ProgressRecord = ReadyRecord | RoundRecord | DoneRecord | ErrorRecord;

/** Where progress goes. */
export type ProgressSink = (record: ProgressRecord) => void;

const pct = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(2)}%`;
const short = (id: string) => (id.length > 12 ? `…${id.slice(-6)}` : id);

/** One human-readable line for a progress record (terminal output). */
export function formatProgress(r: ProgressRecord): string {
  switch (r.type) {
    case 'ready':
      return `peer ${r.index} ${r.peer} ready on ${r.addrs[0] ?? '?'} (federation ${r.federation}, ${r.sampleCount} samples, backend ${r.backend}${r.resumedFrom === undefined ? '' : `, resumed at round ${r.resumedFrom}`})`;
    case 'round':
      return (
        `peer ${r.index} round ${r.round + 1}/${r.rounds} aggregator ${short(r.aggregator)} ` +
        `contributors ${r.contributors.length} model ${r.hash.slice(0, 12)} (${r.bytes} B) ` +
        `local acc ${pct(r.local?.accuracy)} train ${(r.phases.train / 1000).toFixed(1)} s ` +
        `wait ${(r.phases.wait / 1000).toFixed(1)} s${r.aggregation ? ` [aggregated: ${r.aggregation.reason}]` : ''}`
      );
    case 'done':
      return `peer ${r.index} done: model ${r.hash.slice(0, 12)}, global test ${pct(r.globalTest.accuracy)}, genotype ${r.dartsGenotype}`;
    case 'error':
      return `peer ${r.index} failed: ${r.name}: ${r.message}`;
  }
}
