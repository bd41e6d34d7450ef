import { applyOverrides, type PresetOverrides } from '../../experiment/plan.js';
import { PRESETS, presetNamed } from '../../experiment/presets.js';
import { runExperiment } from '../../experiment/runner.js';
import type { ExperimentMode, ExperimentPreset } from '../../experiment/types.js';
import { parseBackendChoice } from '../../tensor/backend.js';
import { numberFlag, parseFlags } from '../args.js';
import { UsageError } from '../errors.js';

/** Usage text of `fedmetanas experiment`. */
export const EXPERIMENT_USAGE = `Usage: fedmetanas experiment --preset NAME [options]

Run a grid of federated runs (methods x partitions x seeds), resumably, and write CSV, a markdown table
and accuracy plots. Runs already finished in the output folder are kept and skipped.

  --preset NAME           ${Object.keys(PRESETS).join(' | ')}
  --list                  list the presets and exit
  --out DIR               results folder (default results/<preset>)
  --mode harness|network  in-process harness, or real peer processes on 127.0.0.1 (default: the preset's)
  --methods a,b           subset of the preset's methods
  --partitions a,b        partition labels: iid, shards, dir-<alpha>, skew-<classes>
  --seeds 1,2,3           seeds
  --peers N, --rounds R, --local-steps S   override the preset's
  --backend B             auto | tensorflow-gpu | tensorflow | wasm | cpu
  --data-dir DIR          folder with the dataset files
  --json                  print the results as one JSON object at the end
  -h, --help              show this help
`;

const OPTIONS = {
  preset: { type: 'string' },
  list: { type: 'boolean' },
  out: { type: 'string' },
  mode: { type: 'string' },
  methods: { type: 'string' },
  partitions: { type: 'string' },
  seeds: { type: 'string' },
  peers: { type: 'string' },
  rounds: { type: 'string' },
  'local-steps': { type: 'string' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parsed `fedmetanas experiment` arguments. */
export interface ExperimentArgs {
  help: boolean;
  list: boolean;
  json: boolean;
  preset?: ExperimentPreset;
  out?: string;
}

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** Parse `fedmetanas experiment` flags into the preset to run (overrides applied and checked). */
export function parseExperimentArgs(argv: string[]): ExperimentArgs {
  const { values, positionals } = parseFlags('experiment', argv, OPTIONS);
  if (positionals.length > 0)
    throw new UsageError(`Error in fedmetanas experiment: unexpected argument '${positionals[0]}'.`);
  const base = { help: values.help ?? false, list: values.list ?? false, json: values.json ?? false };
  if (base.help || base.list) return base;
  if (values.preset === undefined) {
    throw new UsageError('Error in fedmetanas experiment: --preset is required (see --list).');
  }
  const int = (flag: keyof typeof OPTIONS, min = 1) =>
    values[flag] === undefined
      ? undefined
      : numberFlag('experiment', flag, values[flag] as string, 0, { integer: true, min });
  const mode = values.mode;
  if (mode !== undefined && mode !== 'harness' && mode !== 'network') {
    throw new UsageError(
      `Error in fedmetanas experiment: --mode must be harness or network, found '${mode}'.`,
    );
  }
  const seeds = list(values.seeds)?.map((s) =>
    numberFlag('experiment', 'seeds', s, 0, { integer: true, min: 0 }),
  );
  const o: PresetOverrides = {
    ...(list(values.methods) ? { methods: list(values.methods) } : {}),
    ...(list(values.partitions) ? { partitions: list(values.partitions) } : {}),
    ...(seeds ? { seeds } : {}),
    ...(int('peers') !== undefined ? { peers: int('peers') } : {}),
    ...(int('rounds') !== undefined ? { rounds: int('rounds') } : {}),
    ...(int('local-steps') !== undefined ? { localSteps: int('local-steps') } : {}),
    ...(mode ? { mode: mode as ExperimentMode } : {}),
    ...(values.backend ? { backend: parseBackendChoice(values.backend) } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  };
  const preset = applyOverrides(presetNamed(values.preset), o);
  if (preset.mode === 'network' && preset.methods.includes('fednas') && preset.fednasRetrainRounds > 0) {
    throw new UsageError(
      'Error in fedmetanas experiment: fednas with its retraining stage runs in --mode harness only (the network runtime has no retraining stage); use --mode harness or leave fednas out.',
    );
  }
  return { ...base, preset, out: values.out ?? `results/${preset.name}` };
}

/** `fedmetanas experiment`: run a preset grid resumably and write its results. */
export async function experimentCommand(argv: string[]): Promise<number> {
  const args = parseExperimentArgs(argv);
  if (args.help) {
    console.log(EXPERIMENT_USAGE);
    return 0;
  }
  if (args.list) {
    for (const p of Object.values(PRESETS)) {
      console.log(
        `${p.name.padEnd(14)} ${p.description}\n${''.padEnd(15)}${p.dataset}, ${p.methods.length} methods x ${p.partitions.length} partitions x ${p.seeds.length} seeds, ${p.peers} peers, ${p.mode}`,
      );
    }
    return 0;
  }
  const preset = args.preset as ExperimentPreset;
  const log = (line: string) => (args.json ? console.error(line) : console.log(line));
  const stop = new AbortController();
  const onSignal = () => {
    log('stopping after the current run (interrupt again to abort it)');
    stop.abort();
    process.off('SIGINT', onSignal);
  };
  process.on('SIGINT', onSignal);
  try {
    const outcome = await runExperiment(preset, args.out as string, { onLine: log, signal: stop.signal });
    if (args.json) console.log(JSON.stringify(outcome));
    else
      log(
        `${outcome.ran} runs done now, ${outcome.resumed} found done, ${outcome.pending} pending; results in ${outcome.outDir}/results.md`,
      );
    return outcome.pending === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
