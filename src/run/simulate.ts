import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { copyFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cellToDot } from '../nas/genotype/dot.js';
import { genotypeToJSON } from '../nas/genotype/json.js';
import { loadOrCreateIdentity } from '../node/identity.js';
import { writePskFile } from '../node/psk.js';
import { CHECKPOINT_MODEL_FILE } from '../node/runtime/constants.js';
import type { ProgressRecord, RoundRecord } from '../node/runtime/progress.js';
import { rankAggregators } from '../protocol/election.js';
import { installedVersion } from '../tensor/backend.js';
import { ChildPeer } from './child-peer.js';
import type { SearchRunConfig } from './config.js';
import {
  SimulationConfigError,
  SimulationInterruptedError,
  SimulationPeerError,
  SimulationTimeoutError,
} from './errors.js';
import { federationFor, type NetworkRunOptions } from './network-config.js';
import { defaultRunName, RunFolder } from './run-folder.js';
import { summarizeSimulation, type SimulationSummary } from './simulate-summary.js';
import { formatRoundLine, RoundTracker } from './round-tracker.js';

/** Default overall time limit of a simulation. */
export const DEFAULT_SIMULATION_TIMEOUT_MS = 30 * 60_000;

/** Delay between a round starting and the scenario killing a peer in it (so the kill lands mid-round). */
export const DEFAULT_KILL_DELAY_MS = 500;

/** Grace given to children between SIGTERM and SIGKILL at the end. */
export const CHILD_STOP_GRACE_MS = 3_000;

/** Failures to inject: crash the aggregator of a round, start peers late, crash and restart peers. */
export interface Scenario {
  /** Crash (SIGKILL) the first-ranked aggregator of this round shortly after the round starts. */
  killAggregatorAt?: number;
  /** Start peer `index` only once round `afterRound` has completed. */
  lateJoin?: { index: number; afterRound: number }[];
  /** Crash peer `index` shortly after round `atRound` starts and restart it on its data dir. */
  restart?: { index: number; atRound: number }[];
}

/** Options of `runSimulation`. */
export interface SimulationOptions {
  config: SearchRunConfig;
  /** Arguments passed to every `fedmetanas peer` (search and round-protocol flags). */
  peerArgs: readonly string[];
  /** Round-protocol options (recorded in `config.json`; `federation`, `minPeers` are used here). */
  net: Partial<NetworkRunOptions>;
  timeoutMs?: number;
  scenario?: Scenario;
  /** Human-readable progress lines. */
  onLine?: (line: string) => void;
  /** Every progress record of every peer. */
  onRecord?: (index: number, record: ProgressRecord) => void;
  /** Node executable and `fedmetanas` entry point of the children (defaults: this build). */
  exec?: string;
  bin?: string;
}

/**
 * Run a federation of `config.peers` real `fedmetanas peer` processes on 127.0.0.1 with a fresh
 * federation key and an allowlist of their pre-generated identities (peer 0 first, the others bootstrap
 * from it), apply the failure scenario, and write ONE run folder: `config.json`, `federation.key`,
 * `peers/<i>/` (each peer's data dir: `events.jsonl`, checkpoint, blobs, `stderr.log`), `rounds.jsonl`,
 * `summary.json`, `model.fmns`, `genotype.json`, `genotype.txt`, `normal.dot`, `reduce.dot`. Throws
 * `SimulationPeerError` when a peer fails, `SimulationTimeoutError` after `timeoutMs`,
 * `SimulationInterruptedError` on SIGINT/SIGTERM; children are always killed on the way out.
 */
export async function runSimulation(opts: SimulationOptions): Promise<SimulationSummary> {
  const started = Date.now();
  const { config } = opts;
  const scenario = opts.scenario ?? {};
  checkScenario(config, scenario);
  const folder = await RunFolder.create(
    config.out,
    config.name ??
      defaultRunName(`p2p-${config.method}-${config.dataset}-${config.partition.scheme}-s${config.seed}`),
  );
  const keyFile = folder.file('federation.key');
  await writePskFile(keyFile);
  const dirOf = (i: number) => folder.file(`peers/${i}`);
  const ids = await Promise.all(
    Array.from({ length: config.peers }, async (_, i) =>
      peerIdFromPrivateKey(await loadOrCreateIdentity(`${dirOf(i)}/identity.key`)).toString(),
    ),
  );
  const federation = opts.net.federation ?? federationFor(config);
  const late = new Set((scenario.lateJoin ?? []).map((l) => l.index));
  const minPeers = opts.net.minPeers ?? config.peers - late.size;
  const effective = {
    ...config,
    network: { ...opts.net, federation, minPeers },
    scenario,
    peers: config.peers,
    peerIds: ids,
    versions: {
      node: process.versions.node,
      fedmetanas: installedVersion('fedmetanas') ?? 'unknown',
      '@tensorflow/tfjs-core': installedVersion('@tensorflow/tfjs-core') ?? 'unknown',
      libp2p: installedVersion('libp2p') ?? 'unknown',
    },
    createdAt: new Date().toISOString(),
  };
  await folder.writeJson('config.json', effective);

  const records: ProgressRecord[] = [];
  const children: ChildPeer[] = [];
  const kills = new Map<number, number>();
  const tracker = new RoundTracker();
  const log = opts.onLine ?? (() => {});
  const latest = (i: number) => [...children].reverse().find((c) => c.index === i);
  const running = () => children.filter((c) => c.running);
  let failure: Error | undefined;
  let wake: () => void = () => {};
  const cleanups: (() => void)[] = [];
  const serials = () => running().map((c) => c.serial);
  const showRounds = () => {
    for (const line of tracker.flush(serials())) log(formatRoundLine(line, config.rounds, ids));
  };
  const spawnPeer = (index: number, bootstrap: readonly string[], listen?: string): ChildPeer => {
    const args = [
      ...(listen ? ['--listen', listen] : []),
      '--index',
      String(index),
      '--data-dir',
      dirOf(index),
      '--psk-file',
      keyFile,
      '--allow',
      ids.join(','),
      '--federation',
      federation,
      '--min-peers',
      String(minPeers),
      ...opts.peerArgs,
      ...(bootstrap.length > 0 ? ['--bootstrap', bootstrap.join(',')] : []),
    ];
    const child = ChildPeer.spawn({
      index,
      args,
      stderrFile: `${dirOf(index)}/stderr.log`,
      onRecord: (r) => onRecord(child, r),
      ...(opts.exec ? { exec: opts.exec } : {}),
      ...(opts.bin ? { bin: opts.bin } : {}),
    });
    children.push(child);
    void child.exited.then((exit) => {
      showRounds();
      if (exit.code !== 0 && !child.expectedExit && failure === undefined) {
        failure = new SimulationPeerError(
          `Error in runSimulation: peer ${index} must exit with code 0, found ${exit.code ?? exit.signal}: ${child.stderrTail.slice(-5).join(' | ')}`,
        );
      }
      wake();
    });
    return child;
  };
  const liveAddrs = () =>
    running()
      .flatMap((c) => records.filter((r) => r.type === 'ready' && r.index === c.index).slice(-1))
      .flatMap((r) => (r.type === 'ready' ? r.addrs.slice(0, 1) : []));
  const kill = (child: ChildPeer, why: string) => {
    kills.set(child.index, (kills.get(child.index) ?? 0) + 1);
    log(`scenario: killing peer ${child.index} (${why})`);
    child.kill('SIGKILL');
  };

  const onRoundDone = (round: number) => {
    const next = round + 1;
    if (scenario.killAggregatorAt === next) {
      const alive = running().map((c) => ids[c.index]);
      const target = rankAggregators({ federation, peers: alive }, next)[0];
      const child = running().find((c) => ids[c.index] === target);
      if (child)
        setTimeout(() => kill(child, `first-ranked aggregator of round ${next + 1}`), DEFAULT_KILL_DELAY_MS);
    }
    for (const l of scenario.lateJoin ?? []) {
      if (l.afterRound === round) {
        log(`scenario: starting peer ${l.index} late (after round ${round + 1})`);
        spawnPeer(l.index, liveAddrs());
      }
    }
    for (const r of scenario.restart ?? []) {
      const child = r.atRound === next ? latest(r.index) : undefined;
      if (child === undefined) continue;
      setTimeout(() => {
        kill(child, `crash in round ${next + 1}, then restart`);
        void child.exited.then(() => {
          log(`scenario: restarting peer ${child.index} from its data dir`);
          spawnPeer(child.index, liveAddrs());
        });
      }, DEFAULT_KILL_DELAY_MS);
    }
  };

  const onRecord = (child: ChildPeer, r: ProgressRecord) => {
    records.push(r);
    opts.onRecord?.(child.index, r);
    if (r.type === 'error') log(`peer ${r.index} failed: ${r.name}: ${r.message}`);
    if (r.type === 'done') log(`peer ${r.index} done: model ${r.hash.slice(0, 12)}`);
    if (r.type !== 'round') return;
    if (tracker.add(r, child.serial, serials())) onRoundDone(r.round);
    showRounds();
  };

  const interrupted = new Promise<never>((_, reject) => {
    const onSignal = (sig: NodeJS.Signals) =>
      reject(new SimulationInterruptedError(`Error in runSimulation: interrupted by ${sig}; peers stopped`));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  });
  interrupted.catch(() => {});
  const killAll = () => children.forEach((c) => c.kill('SIGKILL', false));
  process.on('exit', killAll);
  cleanups.push(() => process.off('exit', killAll));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SIMULATION_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SimulationTimeoutError(
            `Error in runSimulation: the run must finish within ${timeoutMs / 1000} s, found peers still running (${running()
              .map((c) => c.index)
              .join(', ')})`,
          ),
        ),
      timeoutMs,
    );
  });
  timedOut.catch(() => {});

  try {
    const firstIndex = [...Array(config.peers).keys()].find((i) => !late.has(i)) as number;
    const listen = `/ip4/127.0.0.1/tcp/${await freePort()}`;
    spawnPeer(firstIndex, [], listen);
    const bootstrap = [`${listen}/p2p/${ids[firstIndex]}`];
    for (let i = 0; i < config.peers; i++) if (i !== firstIndex && !late.has(i)) spawnPeer(i, bootstrap);
    log(
      `started ${config.peers - late.size} peers; peer ${firstIndex} listens on ${listen} as the bootstrap peer`,
    );
    const allDone = new Promise<void>((resolve) => {
      wake = () => {
        if (
          failure !== undefined ||
          (children.length > 0 && running().length === 0 && pendingScenario(scenario, tracker) === 0)
        )
          resolve();
      };
    });
    wake();
    await Promise.race([allDone, timedOut, interrupted]);
    if (failure !== undefined) throw failure;
  } finally {
    clearTimeout(timer);
    await stopChildren(children);
    for (const c of cleanups.splice(0)) c();
    for (const line of tracker.flush([], true)) log(formatRoundLine(line, config.rounds, ids));
  }
  const summary = summarizeSimulation({
    runDir: folder.path,
    federation,
    method: config.method,
    ids,
    records,
    kills,
    wallTimeMs: Date.now() - started,
  });
  const finished = summary.peers.filter((p) => p.finished);
  if (finished.length === 0) {
    throw new SimulationPeerError(
      'Error in runSimulation: at least one peer must finish every round, found none',
    );
  }
  const backends = [...new Set(records.flatMap((r) => (r.type === 'ready' ? [r.backend] : [])))];
  await folder.writeJson('config.json', { ...effective, backendUsed: backends.join(', ') });
  await writeOutputs(folder, summary, records, dirOf(finished[0].index));
  return summary;
}

/** Scenario steps still to come (a late peer not yet started keeps the run alive). */
function pendingScenario(scenario: Scenario, tracker: RoundTracker): number {
  return (scenario.lateJoin ?? []).filter((l) => !tracker.seen(l.afterRound)).length;
}

function checkScenario(config: SearchRunConfig, s: Scenario): void {
  const bad = (what: string, found: unknown) => {
    throw new SimulationConfigError(`Error in runSimulation: ${what}, found ${JSON.stringify(found)}`);
  };
  const index = (i: number) => Number.isInteger(i) && i >= 0 && i < config.peers;
  if (
    s.killAggregatorAt !== undefined &&
    !(Number.isInteger(s.killAggregatorAt) && s.killAggregatorAt >= 1 && s.killAggregatorAt < config.rounds)
  ) {
    bad(`killAggregatorAt must be an integer round in [1, ${config.rounds - 1}]`, s.killAggregatorAt);
  }
  for (const l of s.lateJoin ?? [])
    if (!index(l.index) || !(l.afterRound >= 0 && l.afterRound < config.rounds - 1))
      bad('lateJoin entries must name a peer and a round before the last', l);
  if ((s.lateJoin ?? []).some((l) => l.index === 0) && (s.lateJoin ?? []).length >= config.peers)
    bad('at least one peer must start at once', s.lateJoin);
  for (const r of s.restart ?? [])
    if (!index(r.index) || !(r.atRound >= 1 && r.atRound < config.rounds))
      bad(`restart entries must name a peer and a round in [1, ${config.rounds - 1}]`, r);
}

/** A TCP port free on 127.0.0.1 right now (for the bootstrap peer, so every peer can start at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new SimulationConfigError(
      `Error in freePort: a TCP address must be bound, found ${String(address)}`,
    );
  }
  return address.port;
}

async function stopChildren(children: readonly ChildPeer[]): Promise<void> {
  const alive = children.filter((c) => c.running);
  alive.forEach((c) => c.kill('SIGTERM', false));
  const grace = new Promise<void>((r) => setTimeout(r, CHILD_STOP_GRACE_MS).unref());
  await Promise.race([Promise.all(alive.map((c) => c.exited)), grace]);
  alive.forEach((c) => c.kill('SIGKILL', false));
  await Promise.all(alive.map((c) => c.exited));
}

async function writeOutputs(
  folder: RunFolder,
  summary: SimulationSummary,
  records: readonly ProgressRecord[],
  finishedDir: string,
): Promise<void> {
  await folder.writeText(
    'rounds.jsonl',
    records
      .filter((r): r is RoundRecord => r.type === 'round')
      .map((r) => `${JSON.stringify(r)}\n`)
      .join(''),
  );
  await folder.writeJson('summary.json', summary);
  await copyFile(`${finishedDir}/${CHECKPOINT_MODEL_FILE}`, folder.file('model.fmns'));
  if (summary.genotype !== undefined) {
    await folder.writeText('genotype.json', `${genotypeToJSON(summary.genotype, 2)}\n`);
    await folder.writeText('genotype.txt', `${summary.dartsGenotype}\n`);
    await folder.writeText('normal.dot', cellToDot(summary.genotype, 'normal'));
    await folder.writeText('reduce.dot', cellToDot(summary.genotype, 'reduce'));
  }
}
