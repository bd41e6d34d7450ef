import { DEFAULT_SIMULATION_TIMEOUT_MS, runSimulation, type Scenario } from '../../run/simulate.js';
import type { SearchRunConfig } from '../../run/config.js';
import type { NetworkRunOptions } from '../../run/network-config.js';
import { numberFlag } from '../args.js';
import { UsageError } from '../errors.js';
import {
  listFlag,
  NETWORK_FLAG_OPTIONS,
  NETWORK_FLAG_USAGE,
  parseNetworkFlags,
  parseSearchFlagsFor,
  splitFlags,
} from './peer.js';
import { SEARCH_USAGE } from './search.js';

/** Heartbeat interval of simulated peers unless `--heartbeat-interval` is given (failover in ~3 s). */
export const SIMULATE_HEARTBEAT_INTERVAL_S = 1;

const SIMULATE_OPTIONS = {
  ...NETWORK_FLAG_OPTIONS,
  timeout: { type: 'string' },
  'kill-aggregator-at': { type: 'string' },
  'late-join': { type: 'string', multiple: true },
  restart: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
} as const;

/** Usage text of `fedmetanas simulate`. */
export const SIMULATE_USAGE = `Usage: fedmetanas simulate --peers N [options] [search options]

Start N real \`fedmetanas peer\` processes on 127.0.0.1 (fresh federation key, allowlist of their
identities, peer 0 as bootstrap), show per-round progress, and write one run folder (config.json,
peers/<i>/events.jsonl and checkpoints, rounds.jsonl, summary.json, model.fmns, genotype files).

  --timeout S             overall time limit in seconds; peers are killed after it (default ${DEFAULT_SIMULATION_TIMEOUT_MS / 1000})
  --kill-aggregator-at R  crash the first-ranked aggregator of round R (1-based, >= 2) just after it starts
  --late-join I@R         start peer I only after round R completed (repeatable)
  --restart I@R           crash peer I in round R (>= 2) and restart it from its data dir (repeatable)
  --quiet                 no per-round progress
${NETWORK_FLAG_USAGE.replace(/\(default 2\)$/m, `(default ${SIMULATE_HEARTBEAT_INTERVAL_S} here)`)}

Search options (as for \`fedmetanas search\`):
${SEARCH_USAGE.split('\n')
  .filter((l) =>
    /^ {2}--(method|peers|rounds|local|dataset|data-dir|partition|alpha|min-size|classes|layers|channels|nodes|relax|meta|task|support|tau|prune|personalize|eval|backend|seed|out|name|json)/.test(
      l,
    ),
  )
  .join('\n')}
  -h, --help              show this help
`;

/** Parsed `fedmetanas simulate` arguments. */
export interface SimulateArgs {
  config: SearchRunConfig;
  net: Partial<NetworkRunOptions>;
  /** Arguments for every peer: the search flags (dataset folder as --dataset-dir) and round-protocol flags. */
  peerArgs: string[];
  scenario: Scenario;
  timeoutMs: number;
  quiet: boolean;
  json: boolean;
  help: boolean;
}

/** Parse `I@R` (1-based round) into a peer index and a 0-based round. */
function indexAtRound(flag: string, value: string, peers: number, rounds: number, minRound: number) {
  const m = /^(\d+)@(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const round = m ? Number(m[2]) : NaN;
  if (!(index < peers) || !(round >= minRound && round <= rounds)) {
    throw new UsageError(
      `Error in fedmetanas simulate: --${flag} must be I@R with I in [0, ${peers - 1}] and R in [${minRound}, ${rounds}], found '${value}'.`,
    );
  }
  return { index, round: round - 1 };
}

/** Parse `fedmetanas simulate` flags. */
export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const { values, rest } = splitFlags('simulate', argv, SIMULATE_OPTIONS);
  const search = parseSearchFlagsFor('simulate', rest);
  const { config } = search;
  const net = parseNetworkFlags('simulate', values);
  net.heartbeatIntervalMs ??= SIMULATE_HEARTBEAT_INTERVAL_S * 1000;
  const { values: searchValues, rest: searchArgs } = splitFlags('simulate', rest, {
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
  });
  const netArgs = Object.entries(values)
    .filter(([k]) => Object.hasOwn(NETWORK_FLAG_OPTIONS, k))
    .flatMap(([k, v]) => [`--${k}`, String(v)]);
  if (values['heartbeat-interval'] === undefined)
    netArgs.push('--heartbeat-interval', String(SIMULATE_HEARTBEAT_INTERVAL_S));
  const peerArgs = [
    ...searchArgs,
    ...(searchValues['data-dir'] !== undefined ? ['--dataset-dir', searchValues['data-dir']] : []),
    ...netArgs,
  ];
  const scenario: Scenario = {};
  if (values['kill-aggregator-at'] !== undefined) {
    const r = numberFlag('simulate', 'kill-aggregator-at', values['kill-aggregator-at'], 0, {
      integer: true,
      min: 2,
      max: config.rounds,
    });
    scenario.killAggregatorAt = r - 1;
  }
  const late = listFlag(values['late-join']).map((v) =>
    indexAtRound('late-join', v, config.peers, config.rounds - 1, 1),
  );
  if (late.length > 0) scenario.lateJoin = late.map((l) => ({ index: l.index, afterRound: l.round }));
  const restarts = listFlag(values.restart).map((v) =>
    indexAtRound('restart', v, config.peers, config.rounds, 2),
  );
  if (restarts.length > 0) scenario.restart = restarts.map((r) => ({ index: r.index, atRound: r.round }));
  return {
    config,
    net,
    peerArgs,
    scenario,
    timeoutMs:
      values.timeout === undefined
        ? DEFAULT_SIMULATION_TIMEOUT_MS
        : numberFlag('simulate', 'timeout', values.timeout, 0, { min: 1 }) * 1000,
    quiet: values.quiet ?? false,
    json: search.json,
    help: search.help,
  };
}

const pct = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(2)}%`;

/** `fedmetanas simulate`: N real peers on loopback, one run folder. */
export async function simulateCommand(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (args.help) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  const log = (line: string) => (args.json ? console.error(line) : console.log(line));
  const { config } = args;
  log(
    `simulating ${config.peers} peers on 127.0.0.1: ${config.method} on ${config.dataset}, ${config.partition.scheme}, ` +
      `${config.rounds} rounds, space L=${config.space.layers} C=${config.space.channels} nodes=${config.space.nodes}`,
  );
  const summary = await runSimulation({
    config,
    peerArgs: args.peerArgs,
    net: args.net,
    timeoutMs: args.timeoutMs,
    scenario: args.scenario,
    ...(args.quiet ? {} : { onLine: log }),
  });
  if (args.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  const last = [...summary.rounds].reverse().find((r) => r.local !== undefined);
  console.log(`\ngenotype ${summary.dartsGenotype ?? 'n/a'}`);
  console.log(
    `accuracy: global test ${pct(summary.globalTest?.accuracy)} (${summary.globalTest?.count ?? 0} images), ` +
      `peers' local tests ${pct(last?.local?.accuracy)}; ${summary.rounds.length} rounds, ` +
      `${summary.aggregators} distinct aggregators, ${summary.allSameFinalHash ? 'every peer holds the same model' : 'PEERS DISAGREE'}; ` +
      `wall time ${(summary.wallTimeMs / 1000).toFixed(1)} s`,
  );
  console.log(`wrote ${summary.runDir}`);
  return summary.allSameFinalHash ? 0 : 1;
}
