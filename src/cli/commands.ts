/** A sub-command: takes its own argv (after the command name), returns the exit code. */
export type CommandRunner = (argv: string[]) => Promise<number>;

export interface CommandEntry {
  summary: string;
  /** Loaded on demand so that `fedmetanas --help` starts fast and never loads tfjs. */
  load: () => Promise<CommandRunner>;
}

/** Every sub-command of `fedmetanas`, in help order. */
export const COMMANDS: Record<string, CommandEntry> = {
  keygen: {
    summary: 'Create a federation key and peer identity keys for peers on several machines',
    load: async () => (await import('./commands/keygen.js')).keygenCommand,
  },
  backends: {
    summary: 'List tensor backends, which are installed, and what `auto` picks here',
    load: async () => (await import('./commands/backends.js')).backendsCommand,
  },
  search: {
    summary: 'Run a federated architecture search with N peers in one process and write a run folder',
    load: async () => (await import('./commands/search.js')).searchCommand,
  },
  peer: {
    summary:
      'Run one peer of a serverless federation (libp2p): train, aggregate when elected, pull global models',
    load: async () => (await import('./commands/peer.js')).peerCommand,
  },
  simulate: {
    summary: 'Run N real peers on 127.0.0.1 as separate processes and write one run folder',
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
  experiment: {
    summary: 'Run methods x partitions x seeds resumably and write CSV, a markdown table and plots',
    load: async () => (await import('./commands/experiment.js')).experimentCommand,
  },
  data: {
    summary: 'Report per-peer shard sizes and label histograms of a partition',
    load: async () => (await import('./commands/data.js')).dataCommand,
  },
};
