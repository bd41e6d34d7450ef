import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { accuracyCurves } from './curves.js';
import { checkClaim, claimMarkdown } from './claim.js';
import { ExperimentMismatchError } from './errors.js';
import { planExperiment } from './plan.js';
import { runCell } from './run-cell.js';
import { groupResults } from './stats.js';
import { lineChartSvg } from './svg-plot.js';
import { markdownTable, resultsCsv } from './tables.js';
import type { CellResult, ExperimentPreset } from './types.js';

/** Options of `runExperiment`. */
export interface ExperimentRunOptions {
  onLine?: (line: string) => void;
  /** Stops between runs (the current run finishes first). */
  signal?: AbortSignal;
  /** Time limit of one network run. */
  timeoutMs?: number;
}

/** What a finished (or stopped) experiment reports. */
export interface ExperimentOutcome {
  outDir: string;
  results: CellResult[];
  /** Runs done in this call, and runs found done from an earlier call. */
  ran: number;
  resumed: number;
  pending: number;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * Run every cell of a preset into `outDir`, resumably: `experiment.json` (the preset and plan), one
 * `cells/<id>.json` per finished run (present = done, skipped next time), `runs/<id>/` (each run
 * folder), and, refreshed after every run, `results.csv`, `results.md` and `plots/<partition>.svg`.
 * A folder holding another experiment's plan gives `ExperimentMismatchError`.
 */
export async function runExperiment(
  preset: ExperimentPreset,
  outDir: string,
  opts: ExperimentRunOptions = {},
): Promise<ExperimentOutcome> {
  const runsDir = join(outDir, 'runs');
  const cellsDir = join(outDir, 'cells');
  await mkdir(cellsDir, { recursive: true });
  const cells = planExperiment(preset, runsDir);
  const planFile = join(outDir, 'experiment.json');
  const plan = { preset, cells: cells.map((c) => ({ id: c.id, config: c.config })) };
  if (existsSync(planFile)) {
    const old = JSON.parse(await readFile(planFile, 'utf8')) as typeof plan;
    const known = new Map(old.cells.map((c) => [c.id, JSON.stringify(c.config)]));
    const clash = plan.cells.find((c) => known.has(c.id) && known.get(c.id) !== JSON.stringify(c.config));
    if (clash) {
      throw new ExperimentMismatchError(
        `Error in runExperiment: ${outDir} holds run '${clash.id}' with other settings; use another --out or remove it.`,
      );
    }
  }
  await writeAtomic(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  const results: CellResult[] = [];
  let ran = 0;
  let resumed = 0;
  for (const [i, cell] of cells.entries()) {
    const file = join(cellsDir, `${cell.id}.json`);
    if (existsSync(file)) {
      results.push(JSON.parse(await readFile(file, 'utf8')) as CellResult);
      resumed += 1;
      continue;
    }
    if (opts.signal?.aborted) break;
    opts.onLine?.(`[${i + 1}/${cells.length}] ${cell.id} (${preset.mode})`);
    await rm(join(runsDir, cell.id), { recursive: true, force: true });
    const result = await runCell(cell, {
      mode: preset.mode,
      ...(opts.onLine ? { onLine: opts.onLine } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
    await writeAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
    results.push(result);
    ran += 1;
    opts.onLine?.(
      `    global accuracy ${(100 * result.globalAccuracy).toFixed(2)}%, total ${(result.totalTimeMs / 1000).toFixed(1)} s`,
    );
    await writeReports(outDir, preset, results);
  }
  await writeReports(outDir, preset, results);
  return { outDir, results, ran, resumed, pending: cells.length - results.length };
}

/** Write `results.csv`, `results.md` and one accuracy plot per partition from the results so far. */
export async function writeReports(
  outDir: string,
  preset: ExperimentPreset,
  results: readonly CellResult[],
): Promise<void> {
  await writeAtomic(join(outDir, 'results.csv'), resultsCsv(results));
  const rows = groupResults(results);
  const plots = join(outDir, 'plots');
  await mkdir(plots, { recursive: true });
  const md = [
    `# Experiment \`${preset.name}\``,
    '',
    preset.description,
    '',
    `Dataset ${preset.dataset}, ${preset.peers} peers, ${preset.mode} mode, seeds ${preset.seeds.join(', ')}; ` +
      `mean ± standard deviation over the seeds that finished.`,
    '',
    markdownTable(rows),
    '',
  ];
  for (const partition of preset.partitions) {
    const claim = checkClaim(results, partition);
    if (claim) md.push(claimMarkdown(claim), '');
  }
  for (const partition of preset.partitions) {
    const series = accuracyCurves(results, partition);
    if (series.length === 0) continue;
    const name = `accuracy-${partition}.svg`;
    await writeAtomic(
      join(plots, name),
      lineChartSvg(`${preset.dataset}, ${partition}: global test accuracy`, series, {
        xLabel: 'round (FedNAS retraining rounds follow its search)',
        yLabel: 'accuracy',
        yRange: [0, 1],
      }),
    );
    md.push(`![${partition}](plots/${name})`, '');
  }
  await writeAtomic(join(outDir, 'results.md'), `${md.join('\n')}\n`);
}
