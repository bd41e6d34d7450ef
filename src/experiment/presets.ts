import { DEFAULT_SEARCH_RUN } from '../run/config.js';
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

/** FedMetaNAS learner settings of the CPU-scale experiments (see README, "Results"). */
const CPU_LEARNER = { ...DEFAULT_SEARCH_RUN.learner };

/** Search settings shared by the CPU-scale presets: bench-small space, 8 peers, evaluation each round. */
const CPU_BASE = {
  space: { layers: 3, channels: 8, nodes: 4 },
  learner: CPU_LEARNER,
  personalizeSteps: 5,
  evalEvery: 1,
} as const;

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
  'claim-fmnist': {
    name: 'claim-fmnist',
    description:
      "The paper's speed claim: FedMetaNAS vs FedNAS (+ retraining) on Fashion-MNIST, Dirichlet 0.3, 8 peers, 3 seeds",
    dataset: 'fashion-mnist',
    methods: ['fedmetanas', 'fednas'],
    partitions: ['dir-0.3'],
    seeds: [1, 2, 3],
    peers: 8,
    mode: 'network',
    base: { ...CPU_BASE, rounds: 10, localSteps: 10 },
    fednasRetrainRounds: 5,
  },
  mnist: {
    name: 'mnist',
    description: 'All methods x the paper partitions on the embedded MNIST digits, 8 peers, 3 seeds',
    dataset: 'mnist',
    methods: [...ALL_METHODS],
    partitions: PAPER_PARTITIONS,
    seeds: [1, 2, 3],
    peers: 8,
    mode: 'network',
    base: { ...CPU_BASE, rounds: 10, localSteps: 10 },
    fednasRetrainRounds: 5,
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    description: 'All methods x the paper partitions on Fashion-MNIST, 8 peers, 3 seeds',
    dataset: 'fashion-mnist',
    methods: [...ALL_METHODS],
    partitions: PAPER_PARTITIONS,
    seeds: [1, 2, 3],
    peers: 8,
    mode: 'network',
    base: { ...CPU_BASE, rounds: 10, localSteps: 10 },
    fednasRetrainRounds: 5,
  },
  cifar10: {
    name: 'cifar10',
    description:
      'All methods x the paper partitions on CIFAR-10 (files in ../shared/data or --data-dir), 8 peers',
    dataset: 'cifar10',
    methods: [...ALL_METHODS],
    partitions: PAPER_PARTITIONS,
    seeds: [1, 2, 3],
    peers: 8,
    mode: 'network',
    base: { ...CPU_BASE, rounds: 10, localSteps: 10 },
    fednasRetrainRounds: 5,
  },
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
