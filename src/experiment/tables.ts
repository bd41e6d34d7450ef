import type { GroupRow } from './stats.js';
import type { CellResult } from './types.js';

const pct = (m: { mean: number; std: number }) =>
  Number.isFinite(m.mean) ? `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std).toFixed(2)}` : 'n/a';
const sec = (m: { mean: number; std: number }) =>
  Number.isFinite(m.mean) ? `${m.mean.toFixed(1)} ± ${m.std.toFixed(1)}` : 'n/a';
const kib = (b: number) => (Number.isFinite(b) ? (b / 1024).toFixed(1) : 'n/a');
const num = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** The markdown table of the grouped results (accuracy in %, times in s, bytes in KiB). */
export function markdownTable(rows: readonly GroupRow[]): string {
  const head =
    '| partition | method | seeds | global acc. % | personalized acc. % | search s | retrain s | total s | up KiB/peer/round | down KiB/peer/round | compute s/peer/round | peak RSS MiB |';
  const rule = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => '---')
    .join('|')}|`;
  const lines = rows.map(
    (r) =>
      `| ${r.partition} | ${r.method} | ${r.seeds} | ${pct(r.globalAccuracy)} | ${pct(r.personalizedAccuracy)} | ` +
      `${sec(r.searchTimeS)} | ${sec(r.retrainTimeS)} | ${sec(r.totalTimeS)} | ${kib(r.bytesUpPerPeerRound)} | ` +
      `${kib(r.bytesDownPerPeerRound)} | ${num(r.computeSPerPeerRound, 2)} | ${num(r.peakRssMiB, 0)} |`,
  );
  return [head, rule, ...lines].join('\n');
}

const CSV_COLUMNS = [
  'id',
  'method',
  'partition',
  'seed',
  'mode',
  'dataset',
  'peers',
  'rounds',
  'retrainRounds',
  'globalAccuracy',
  'personalizedAccuracy',
  'searchTimeMs',
  'retrainTimeMs',
  'totalTimeMs',
  'bytesUpPerPeerRound',
  'bytesDownPerPeerRound',
  'computeMsPerPeerRound',
  'peakRssMiB',
  'prunedCandidates',
  'genotype',
] as const satisfies readonly (keyof CellResult)[];

function csvField(v: unknown): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line per run (header first). */
export function resultsCsv(results: readonly CellResult[]): string {
  const lines = results.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','));
  return `${[CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}
