import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, installedVersion, parseBackendChoice } from '../src/tensor/backend.js';
import { kernelSuite } from './bench/kernels.js';
import { supernetSuite } from './bench/supernet.js';
import { runNetworkBenches } from './bench/network.js';
import { DEFAULT_RUN_OPTIONS, runCase, type BenchResult, type BenchSuite } from './bench/registry.js';

/** Every suite the bench runs. */
export const SUITES: BenchSuite[] = [kernelSuite, supernetSuite];

const USAGE = `Usage: npm run bench -- [--json] [--filter PREFIX] [--backend wasm|cpu|tensorflow|auto]
                       [--reps N] [--warmup N] [--heavy] [--threads N]
  --json     one JSON object per line (name, backend, ms, gflops | images_per_s, shape, attrs, versions)
  --filter   only cases whose name starts with PREFIX (e.g. kernel/Conv2DBackpropFilter/)
  --heavy    on cpu, also run the large backward cases (slow)
  --threads  wasm only: XNNPACK threads (> 1 loads the multi-threaded SIMD build)`;

function table(rows: BenchResult[]): string {
  const head = ['name', 'backend', 'ms', 'GFLOP/s', 'images/s'];
  const body = rows.map((r) => [
    r.name,
    r.backend,
    r.ms.toFixed(3),
    r.gflops?.toFixed(2) ?? '',
    r.images_per_s?.toFixed(1) ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      filter: { type: 'string', default: '' },
      backend: { type: 'string', default: 'wasm' },
      reps: { type: 'string' },
      warmup: { type: 'string' },
      heavy: { type: 'boolean', default: false },
      threads: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const info = await initBackend(parseBackendChoice(values.backend), { threads: Number(values.threads) });
  const versions: Record<string, string> = { ...info.versions, tfjs: tf.version_core };
  if (info.wasm) versions.wasm_threads = String(info.wasm.threadCount);
  const slow = info.name === 'cpu';
  const options = {
    ...DEFAULT_RUN_OPTIONS,
    reps: Number(values.reps ?? (slow ? 3 : DEFAULT_RUN_OPTIONS.reps)),
    warmup: Number(values.warmup ?? (slow ? 1 : DEFAULT_RUN_OPTIONS.warmup)),
  };
  const cases = SUITES.flatMap((s) => s.cases()).filter(
    (c) =>
      c.name.startsWith(values.filter) &&
      (c.supports?.(info.name) ?? true) &&
      (!slow || !c.heavy || values.heavy || values.filter !== ''),
  );
  const results: BenchResult[] = [];
  for (const c of cases) {
    const r = runCase(c, info.name, versions, options);
    results.push(r);
    if (values.json) console.log(JSON.stringify(r));
  }
  const network = await runNetworkBenches(values.filter, { node: versions.node ?? '' });
  for (const line of network) if (values.json) console.log(JSON.stringify(line));
  if (!values.json) {
    for (const line of network) console.log(`${line.name}  ${line.ms.toFixed(1)} ms`);
    console.log(
      `backend ${info.name}, tfjs ${versions.tfjs}, node ${versions.node}, wasm ${installedVersion('@tensorflow/tfjs-backend-wasm') ?? '-'}`,
    );
    console.log(table(results));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
