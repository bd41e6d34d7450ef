import { DEFAULT_SEARCH_RUN, type SearchRunConfig } from '../../../src/run/config.js';

/** A search small enough for tests: 1 cell of 4 channels and 2 nodes, one local step per round, IID shards. */
export function tinyRun(
  peers: number,
  rounds: number,
  overrides: Partial<SearchRunConfig> = {},
): SearchRunConfig {
  return {
    ...DEFAULT_SEARCH_RUN,
    peers,
    rounds,
    localSteps: 1,
    space: { layers: 1, channels: 4, nodes: 2 },
    partition: { scheme: 'iid', numPeers: peers, seed: 1 },
    backend: 'wasm',
    ...overrides,
  };
}

/** The same search as command-line flags (for `fedmetanas peer` and `simulate`). */
export function tinyRunFlags(peers: number, rounds: number): string[] {
  return [
    '--peers',
    String(peers),
    '--rounds',
    String(rounds),
    '--local-steps',
    '1',
    '--layers',
    '1',
    '--channels',
    '4',
    '--nodes',
    '2',
    '--partition',
    'iid',
    '--backend',
    'wasm',
  ];
}
