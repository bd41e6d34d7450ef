import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from '../../src/run/simulate.js';
import type { SimulationSummary } from '../../src/run/simulate-summary.js';
import { tinyRun, tinyRunFlags } from '../node/runtime/helpers.js';

/** A finished run folder of a short real simulation (4 peers on loopback, 3 rounds). */
export interface SharedRun {
  runDir: string;
  summary: SimulationSummary;
}

let pending: Promise<SharedRun> | undefined;
let root = '';

/**
 * The run folder of ONE short simulation shared by every spec of this mocha process that inspects run
 * folders (logs, report, genotype, eval, export): 4 real peer processes, 3 rounds of the tiny search.
 * Created on first use (about 30 s), removed when the process exits. Specs must not modify it.
 */
export function sharedSimulationRun(): Promise<SharedRun> {
  pending ??= (async () => {
    root = await mkdtemp(join(tmpdir(), 'fedmetanas-shared-run-'));
    const peers = 4;
    const rounds = 3;
    const summary = await runSimulation({
      config: { ...tinyRun(peers, rounds), out: root, name: 'shared' },
      peerArgs: [
        ...tinyRunFlags(peers, rounds),
        '--heartbeat-interval',
        '0.5',
        '--start-timeout',
        '40',
        '--linger',
        '5',
      ],
      net: { heartbeatIntervalMs: 500 },
      timeoutMs: 150_000,
    });
    return { runDir: summary.runDir, summary };
  })();
  return pending;
}

/** Timeout (ms) a `before` hook that awaits `sharedSimulationRun()` should allow. */
export const SHARED_RUN_TIMEOUT_MS = 180_000;

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
