import { HARNESS_METHODS, type HarnessMethod } from '../nas/harness/types.js';
import { DEFAULT_SEARCH_RUN, type SearchRunConfig } from '../run/config.js';
import { ExperimentConfigError } from './errors.js';
import { partitionFromLabel } from './partitions.js';
import type { ExperimentCell, ExperimentMode, ExperimentPreset } from './types.js';

/** Changes to a preset from the command line. */
export interface PresetOverrides {
  methods?: string[];
  partitions?: string[];
  seeds?: number[];
  peers?: number;
  rounds?: number;
  localSteps?: number;
  mode?: ExperimentMode;
  backend?: SearchRunConfig['backend'];
  dataDir?: string;
}

/** The preset with the overrides applied (checked: known methods, valid partition labels, seeds). */
export function applyOverrides(preset: ExperimentPreset, o: PresetOverrides): ExperimentPreset {
  const methods = (o.methods ?? preset.methods).map((m) => {
    if (!(HARNESS_METHODS as readonly string[]).includes(m)) {
      throw new ExperimentConfigError(
        `Error in --methods: expected a list of ${HARNESS_METHODS.join(', ')}, found '${m}'.`,
      );
    }
    return m as HarnessMethod;
  });
  const partitions = o.partitions ?? preset.partitions;
  for (const p of partitions) partitionFromLabel(p, 2, 0);
  const seeds = o.seeds ?? preset.seeds;
  if (seeds.length === 0 || methods.length === 0 || partitions.length === 0) {
    throw new ExperimentConfigError('Error in experiment: methods, partitions and seeds must not be empty.');
  }
  return {
    ...preset,
    methods,
    partitions,
    seeds,
    peers: o.peers ?? preset.peers,
    mode: o.mode ?? preset.mode,
    base: {
      ...preset.base,
      ...(o.rounds !== undefined ? { rounds: o.rounds } : {}),
      ...(o.localSteps !== undefined ? { localSteps: o.localSteps } : {}),
      ...(o.backend !== undefined ? { backend: o.backend } : {}),
      ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    },
  };
}

/** The run identifier of a cell: `<method>__<partition>__s<seed>`. */
export function cellId(method: string, partition: string, seed: number): string {
  return `${method}__${partition}__s${seed}`;
}

/**
 * Every run of a preset, seeds innermost (so that the first results of a long grid already cover every
 * method): one full `SearchRunConfig` each, writing its run folder as `<runsDir>/<id>`.
 */
export function planExperiment(preset: ExperimentPreset, runsDir: string): ExperimentCell[] {
  const cells: ExperimentCell[] = [];
  for (const partition of preset.partitions) {
    for (const method of preset.methods) {
      for (const seed of preset.seeds) {
        const id = cellId(method, partition, seed);
        const config: SearchRunConfig = {
          ...DEFAULT_SEARCH_RUN,
          ...preset.base,
          method,
          seed,
          peers: preset.peers,
          dataset: preset.dataset,
          partition: partitionFromLabel(partition, preset.peers, seed),
          retrainRounds: method === 'fednas' ? preset.fednasRetrainRounds : 0,
          out: runsDir,
          name: id,
        };
        cells.push({ id, method, partition, seed, config });
      }
    }
  }
  return cells;
}
