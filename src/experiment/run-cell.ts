import type { RoundMetrics } from '../nas/harness/types.js';
import { searchRunFlags } from '../run/config-flags.js';
import { runSearch } from '../run/search.js';
import { runSimulation } from '../run/simulate.js';
import type { ExperimentCell, CellResult, ExperimentMode, RoundPoint } from './types.js';

const MIB = 1024 * 1024;
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Options of one run. */
export interface CellRunOptions {
  mode: ExperimentMode;
  /** Progress lines. */
  onLine?: (line: string) => void;
  /** Time limit of a network run. */
  timeoutMs?: number;
}

/** Run one cell of an experiment and measure it. */
export async function runCell(cell: ExperimentCell, opts: CellRunOptions): Promise<CellResult> {
  return opts.mode === 'harness' ? runInHarness(cell, opts) : runOnNetwork(cell, opts);
}

async function runInHarness(cell: ExperimentCell, opts: CellRunOptions): Promise<CellResult> {
  const search: RoundMetrics[] = [];
  const curve: RoundPoint[] = [];
  let peakRss = process.memoryUsage().rss;
  // Curve times count from the start of training, as `searchTimeMs` does (dataset loading excluded).
  let started = performance.now();
  const summary = await runSearch(cell.config, {
    onStart: () => {
      started = performance.now();
    },
    onRound: (m, stage) => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (stage === 'search') search.push(m);
      curve.push({
        round: m.round,
        stage,
        elapsedMs: performance.now() - started,
        ...(m.global ? { accuracy: m.global.accuracy } : {}),
        ...(m.personalized ? { personalized: m.personalized.accuracy } : {}),
      });
      opts.onLine?.(
        `  ${cell.id} ${stage} round ${m.round + 1}: ${m.global ? `accuracy ${(100 * m.global.accuracy).toFixed(2)}%` : 'no evaluation'}`,
      );
    },
  });
  const lastPersonalized = [...curve].reverse().find((p) => p.personalized !== undefined);
  return {
    ...identity(cell, 'harness'),
    globalAccuracy: summary.globalTest.accuracy,
    ...(lastPersonalized?.personalized !== undefined
      ? { personalizedAccuracy: lastPersonalized.personalized }
      : {}),
    searchTimeMs: summary.searchTimeMs,
    retrainTimeMs: summary.retrainTimeMs,
    totalTimeMs: summary.searchTimeMs + summary.retrainTimeMs,
    bytesUpPerPeerRound: mean(search.map((m) => mean(m.peers.map((p) => p.bytes)))),
    bytesDownPerPeerRound: mean(search.map((m) => m.globalBytes)),
    computeMsPerPeerRound: mean(search.map((m) => m.timeMs.local / Math.max(1, m.peers.length))),
    peakRssMiB: peakRss / MIB,
    prunedCandidates: summary.prunedCandidates,
    genotype: summary.dartsGenotype,
    curve,
    runDir: summary.runDir,
  };
}

async function runOnNetwork(cell: ExperimentCell, opts: CellRunOptions): Promise<CellResult> {
  const c = cell.config;
  const summary = await runSimulation({
    config: c,
    peerArgs: searchRunFlags(c),
    net: {},
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onLine ? { onLine: (l: string) => opts.onLine?.(`  ${cell.id} ${l}`) } : {}),
  });
  const rounds = summary.rounds;
  let elapsed = 0;
  const curve: RoundPoint[] = rounds.map((r) => ({
    round: r.round,
    stage: 'search',
    elapsedMs: (elapsed += Object.values(r.phasesMs).reduce((a, b) => a + b, 0)),
    ...(r.local ? { accuracy: r.local.accuracy } : {}),
  }));
  const train = rounds.map((r) => r.phasesMs.train ?? 0);
  return {
    ...identity(cell, 'network'),
    globalAccuracy: summary.globalTest?.accuracy ?? NaN,
    searchTimeMs: summary.wallTimeMs,
    retrainTimeMs: 0,
    totalTimeMs: summary.wallTimeMs,
    bytesUpPerPeerRound: mean(rounds.map((r) => r.updateBytes / Math.max(1, r.contributors.length))),
    bytesDownPerPeerRound: mean(rounds.map((r) => r.globalBytes)),
    computeMsPerPeerRound: mean(train),
    // Peer processes do not report their memory in progress records yet: shown as n/a.
    peakRssMiB: NaN,
    prunedCandidates: summary.prunedCandidates ?? 0,
    genotype: summary.dartsGenotype ?? '',
    curve,
    runDir: summary.runDir,
  };
}

function identity(cell: ExperimentCell, mode: ExperimentMode) {
  return {
    id: cell.id,
    method: cell.method,
    partition: cell.partition,
    seed: cell.seed,
    mode,
    dataset: cell.config.dataset,
    peers: cell.config.peers,
    rounds: cell.config.rounds,
    retrainRounds: cell.config.retrainRounds,
  };
}
