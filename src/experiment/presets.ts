import { ExperimentConfigError } from './errors.js';
import type { ExperimentPreset } from './types.js';

/** The methods of the paper's comparison and its ablations. */
export const ALL_METHODS = [
  'fedmetanas',
  'fednas',
  'fedavg',
  'fedmetanas-nomaml',
  'fedmetanas-noprune',
] as const satisfies ExperimentPreset['methods'];

/** The paper's non-IID settings. */
export const PAPER_PARTITIONS = ['dir-0.1', 'dir-0.3', 'skew-4', 'skew-8'];

/**
 * A CPU-scale grid: bench-small space, 8 peers, 10 rounds of 10 local steps, personalization and
 * evaluation every round, FedNAS with 5 retraining rounds, 3 seeds. In-process harness by default: FedNAS's
 * retraining stage exists only there, and both sides of the speed claim must run the same way.
 */
function cpuGrid(
  name: string,
  dataset: string,
  description: string,
  methods: ExperimentPreset['methods'],
  partitions: string[],
): ExperimentPreset {
  return {
    name,
    description,
    dataset,
    methods,
    partitions,
    seeds: [1, 2, 3],
    peers: 8,
    mode: 'harness',
    base: {
      space: { layers: 3, channels: 8, nodes: 4 },
      personalizeSteps: 5,
      evalEvery: 1,
      rounds: 10,
      localSteps: 10,
    },
    fednasRetrainRounds: 5,
  };
}

/** The named experiments. */
export const PRESETS: Record<string, ExperimentPreset> = {
  smoke: {
    name: 'smoke',
    description: 'Every method on one partition, tiny model, 1 round: checks the pipeline (about a minute)',
    dataset: 'mnist',
    methods: [...ALL_METHODS],
    partitions: ['dir-0.3'],
    seeds: [1],
    peers: 2,
    mode: 'harness',
    base: {
      rounds: 1,
      localSteps: 1,
      space: { layers: 1, channels: 4, nodes: 2 },
      personalizeSteps: 1,
    },
    fednasRetrainRounds: 1,
  },
  'claim-fmnist': cpuGrid(
    'claim-fmnist',
    'fashion-mnist',
    "The paper's speed claim: FedMetaNAS vs FedNAS (+ retraining) on Fashion-MNIST, Dirichlet 0.3, 8 peers, 3 seeds",
    ['fedmetanas', 'fednas'],
    ['dir-0.3'],
  ),
  mnist: cpuGrid(
    'mnist',
    'mnist',
    'All methods x the paper partitions on the embedded MNIST digits, 8 peers, 3 seeds',
    [...ALL_METHODS],
    PAPER_PARTITIONS,
  ),
  'fashion-mnist': cpuGrid(
    'fashion-mnist',
    'fashion-mnist',
    'All methods x the paper partitions on Fashion-MNIST, 8 peers, 3 seeds',
    [...ALL_METHODS],
    PAPER_PARTITIONS,
  ),
  cifar10: cpuGrid(
    'cifar10',
    'cifar10',
    'All methods x the paper partitions on CIFAR-10 (files in ../shared/data or --data-dir), 8 peers, 3 seeds',
    [...ALL_METHODS],
    PAPER_PARTITIONS,
  ),
};

/** The preset of a name; `ExperimentConfigError` listing the known ones otherwise. */
export function presetNamed(name: string): ExperimentPreset {
  const preset = PRESETS[name];
  if (!preset) {
    throw new ExperimentConfigError(
      `Error in --preset: expected one of ${Object.keys(PRESETS).join(', ')}, found '${name}'.`,
    );
  }
  return preset;
}
