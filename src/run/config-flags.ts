import type { PartitionSpec } from '../data/partition/types.js';
import type { SearchRunConfig } from './config.js';

function partitionFlags(p: PartitionSpec): string[] {
  switch (p.scheme) {
    case 'dirichlet':
      return [
        '--partition',
        'dirichlet',
        '--alpha',
        String(p.alpha),
        ...(p.minSize !== undefined ? ['--min-size', String(p.minSize)] : []),
      ];
    case 'skew':
      return ['--partition', 'skew', '--classes-per-peer', String(p.classesPerPeer)];
    default:
      return ['--partition', p.scheme];
  }
}

/**
 * The `fedmetanas search` / `peer` flags that reproduce a run config (the inverse of the search flag
 * parser for every field it reads, except `out`, `name` and `retrainRounds`, which belong to the caller).
 */
export function searchRunFlags(c: SearchRunConfig): string[] {
  const l = c.learner;
  const flags: [string, string | number | undefined][] = [
    ['method', c.method],
    ['seed', c.seed],
    ['peers', c.peers],
    ['rounds', c.rounds],
    ['local-epochs', c.localEpochs],
    ['local-steps', c.localSteps],
    ['dataset', c.dataset],
    ['data-dir', c.dataDir],
    ['layers', c.space.layers],
    ['channels', c.space.channels],
    ['nodes', c.space.nodes],
    ['relax', c.relax],
    ['meta-variant', l.variant],
    ['task-steps', l.taskSteps],
    ['task-lr', l.taskLr],
    ['task-alpha-lr', l.taskAlphaLr],
    ['support-size', l.supportSize],
    ['query-size', l.querySize],
    ['tasks-per-meta-step', l.tasksPerMetaStep],
    ['meta-lr', l.metaLr],
    ['meta-momentum', l.metaMomentum],
    ['meta-weight-decay', l.metaWeightDecay],
    ['meta-alpha-lr', l.metaAlphaLr],
    ['tau-max', c.tauMax],
    ['tau-min', c.tauMin],
    ['prune-threshold', c.pruneThreshold],
    ['personalize-steps', c.personalizeSteps],
    ['eval-every', c.evalEvery],
    ['backend', c.backend],
  ];
  return [
    ...flags.flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, String(v)])),
    ...partitionFlags(c.partition),
  ];
}
