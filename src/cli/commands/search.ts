import { HARNESS_METHODS, type HarnessMethod } from '../../nas/harness/types.js';
import { parseBackendChoice } from '../../tensor/backend.js';
import { DEFAULT_SEARCH_RUN, type SearchRunConfig } from '../../run/config.js';
import { runSearch } from '../../run/search.js';
import { numberFlag, parseFlags } from '../args.js';
import { UsageError } from '../errors.js';
import { LEARNER_FLAG_OPTIONS, LEARNER_FLAG_USAGE, learnerFromFlags } from '../learner-flags.js';
import { PARTITION_FLAG_OPTIONS, partitionFlagUsage, partitionSpecFromFlags } from '../partition-flags.js';

const D = DEFAULT_SEARCH_RUN;
/** The partition a search uses when the flags name none (that of `DEFAULT_SEARCH_RUN`). */
const SEARCH_PARTITION_DEFAULTS = {
  scheme: D.partition.scheme,
  ...(D.partition.scheme === 'dirichlet' ? { alpha: D.partition.alpha } : {}),
};

/** Usage text of `fedmetanas search`. */
export const SEARCH_USAGE = `Usage: fedmetanas search [options]

Run a federated architecture search with N peers in one process (no network) and write a run folder.

  --method M              ${HARNESS_METHODS.join(' | ')} (default ${D.method})
  --peers N               number of peers (default ${D.peers})
  --rounds R              federated rounds (default ${D.rounds})
  --local-epochs E        local passes over each peer's data per round (default ${D.localEpochs})
  --local-steps S         local steps per round (overrides --local-epochs)
  --dataset D             mnist (embedded), fashion-mnist, cifar10, cifar100, folder:<path> (default ${D.dataset})
  --data-dir DIR          folder with the dataset files
${partitionFlagUsage(SEARCH_PARTITION_DEFAULTS)}
  --layers L              cells in the supernet (default ${D.space.layers})
  --channels C            initial channels (default ${D.space.channels})
  --nodes K               intermediate nodes per cell (default ${D.space.nodes})
  --relax hard|soft       Gumbel straight-through or Gumbel-Softmax mixture (default ${D.relax})
${LEARNER_FLAG_USAGE}
  --retrain-rounds R      FedAvg retraining of the derived network from scratch after the search (default ${D.retrainRounds}; fednas's protocol)
  --tau-max T, --tau-min T  temperature annealed linearly over the rounds (default ${D.tauMax} -> ${D.tauMin})
  --prune-threshold P     soft-pruning probability threshold (default ${D.pruneThreshold})
  --personalize-steps K   personalized evaluation after K task-learner steps (default 0: off)
  --eval-every N          evaluate the global model every N rounds (default ${D.evalEvery})
  --backend B             auto | tensorflow-gpu | tensorflow | wasm | cpu (default ${D.backend})
  --seed S                seed of everything random (default ${D.seed})
  --out DIR               parent folder of run folders (default ${D.out})
  --name NAME             run folder name (default: method-dataset-partition-seed-time)
  --json                  print the summary as one JSON object
  -h, --help              show this help
`;

const OPTIONS = {
  method: { type: 'string' },
  peers: { type: 'string' },
  rounds: { type: 'string' },
  'local-epochs': { type: 'string' },
  'local-steps': { type: 'string' },
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  ...PARTITION_FLAG_OPTIONS,
  layers: { type: 'string' },
  channels: { type: 'string' },
  nodes: { type: 'string' },
  relax: { type: 'string' },
  ...LEARNER_FLAG_OPTIONS,
  'retrain-rounds': { type: 'string' },
  'tau-max': { type: 'string' },
  'tau-min': { type: 'string' },
  'prune-threshold': { type: 'string' },
  'personalize-steps': { type: 'string' },
  'eval-every': { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parse `fedmetanas search` flags into a run config (defaults from `DEFAULT_SEARCH_RUN`). */
export function parseSearchArgs(argv: string[]): { config: SearchRunConfig; json: boolean; help: boolean } {
  const { values, positionals } = parseFlags('search', argv, OPTIONS);
  if (positionals.length > 0)
    throw new UsageError(`Error in fedmetanas search: unexpected argument '${positionals[0]}'.`);
  const num = (flag: keyof typeof OPTIONS, fallback: number, opts?: Parameters<typeof numberFlag>[4]) =>
    numberFlag('search', flag, values[flag] as string | undefined, fallback, opts);
  const int = (flag: keyof typeof OPTIONS, fallback: number, min = 1) =>
    num(flag, fallback, { integer: true, min });
  const method = values.method ?? D.method;
  if (!(HARNESS_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(
      `Error in fedmetanas search: --method must be one of ${HARNESS_METHODS.join(', ')}, found '${method}'.`,
    );
  }
  const relax = values.relax ?? D.relax;
  if (relax !== 'hard' && relax !== 'soft') {
    throw new UsageError(`Error in fedmetanas search: --relax must be hard or soft, found '${relax}'.`);
  }
  const peers = int('peers', D.peers);
  const seed = int('seed', D.seed, 0);
  const partition = partitionSpecFromFlags(values, peers, seed, SEARCH_PARTITION_DEFAULTS);
  const config: SearchRunConfig = {
    ...D,
    method: method as HarnessMethod,
    seed,
    peers,
    rounds: int('rounds', D.rounds),
    localEpochs: num('local-epochs', D.localEpochs, { min: 0.01 }),
    ...(values['local-steps'] !== undefined ? { localSteps: int('local-steps', 1) } : {}),
    dataset: values.dataset ?? D.dataset,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    partition,
    space: {
      layers: int('layers', D.space.layers ?? 3),
      channels: int('channels', D.space.channels ?? 8),
      nodes: int('nodes', D.space.nodes ?? 4),
    },
    relax,
    learner: learnerFromFlags('search', values, D.learner),
    retrainRounds: int('retrain-rounds', D.retrainRounds, 0),
    tauMax: num('tau-max', D.tauMax, { min: 1e-6 }),
    tauMin: num('tau-min', D.tauMin, { min: 1e-6 }),
    pruneThreshold: num('prune-threshold', D.pruneThreshold, { min: 0, max: 1 }),
    personalizeSteps: int('personalize-steps', D.personalizeSteps, 0),
    evalEvery: int('eval-every', D.evalEvery),
    backend: parseBackendChoice(values.backend ?? D.backend),
    out: values.out ?? D.out,
    ...(values.name !== undefined ? { name: values.name } : {}),
  };
  return { config, json: values.json ?? false, help: values.help ?? false };
}

const pct = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? '  n/a' : `${(100 * x).toFixed(2)}%`;

/** `fedmetanas search`: a local multi-peer search in one process. */
export async function searchCommand(argv: string[]): Promise<number> {
  const { config, json, help } = parseSearchArgs(argv);
  if (help) {
    console.log(SEARCH_USAGE);
    return 0;
  }
  const log = (line: string) => (json ? console.error(line) : console.log(line));
  const summary = await runSearch(config, {
    onStart: ({ runDir, dataset, backend, space }) => {
      log(`run folder ${runDir}`);
      log(
        `${config.method} on ${dataset.name} (${dataset.train.count} train / ${dataset.test.count} test), ` +
          `${config.peers} peers, ${config.partition.scheme}, ${config.rounds} rounds, backend ${backend.name}, ` +
          `space L=${space.layers} C=${space.channels} nodes=${space.nodes}`,
      );
    },
    onRound: (m) => {
      const acc = m.global ? ` acc ${pct(m.global.accuracy)} loss ${m.global.loss.toFixed(3)}` : '';
      const pers = m.personalized ? ` personalized ${pct(m.personalized.accuracy)}` : '';
      log(
        `round ${m.round + 1}/${config.rounds} tau ${m.tau.toFixed(2)}${acc}${pers} pruned ${m.prunedCandidates} ` +
          `(${(m.timeMs.total / 1000).toFixed(1)} s)`,
      );
    },
  });
  if (json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(`\ngenotype ${summary.dartsGenotype}`);
  console.log(
    `accuracy: global test ${pct(summary.globalTest.accuracy)} (${summary.globalTest.count} images), ` +
      `peers' local tests ${pct(summary.final?.accuracy)}; wall time ${(summary.wallTimeMs / 1000).toFixed(1)} s`,
  );
  console.log(`wrote ${summary.runDir}`);
  return 0;
}
