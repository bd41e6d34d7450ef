import { DEFAULT_LEARNER as L, type LearnerSettings } from '../run/learner-settings.js';
import { numberFlag } from './args.js';
import { UsageError } from './errors.js';

/** The `node:util` parseArgs options of the FedMetaNAS learner flags (`search`, `peer`, `simulate`). */
export const LEARNER_FLAG_OPTIONS = {
  'meta-variant': { type: 'string' },
  'task-steps': { type: 'string' },
  'task-lr': { type: 'string' },
  'task-alpha-lr': { type: 'string' },
  'support-size': { type: 'string' },
  'query-size': { type: 'string' },
  'tasks-per-meta-step': { type: 'string' },
  'meta-lr': { type: 'string' },
  'meta-momentum': { type: 'string' },
  'meta-weight-decay': { type: 'string' },
  'meta-alpha-lr': { type: 'string' },
} as const;

/** Usage lines of the learner flags. */
export const LEARNER_FLAG_USAGE = `  --meta-variant V        fomaml | reptile (default ${L.variant})
  --task-steps M          task-learner steps on the support set per task (default ${L.taskSteps})
  --task-lr LR            task-learner weight learning rate (default ${L.taskLr})
  --task-alpha-lr LR      task-learner alpha learning rate (default ${L.taskAlphaLr})
  --support-size N, --query-size N  samples per task (default ${L.supportSize}, ${L.querySize})
  --tasks-per-meta-step T tasks averaged per meta update (default ${L.tasksPerMetaStep})
  --meta-lr LR            fomaml meta SGD learning rate of the weights (default ${L.metaLr})
  --meta-momentum M       fomaml meta SGD momentum (default ${L.metaMomentum})
  --meta-weight-decay D   fomaml meta SGD weight decay (default ${L.metaWeightDecay})
  --meta-alpha-lr LR      fomaml meta Adam learning rate of the alphas (default ${L.metaAlphaLr})`;

/** The learner flag values as parseArgs returns them. */
export type LearnerFlagValues = Partial<Record<keyof typeof LEARNER_FLAG_OPTIONS, string>>;

/** Learner settings from the flags (defaults: `defaults`, usually `DEFAULT_LEARNER`). */
export function learnerFromFlags(
  command: string,
  values: LearnerFlagValues,
  defaults: LearnerSettings = L,
): LearnerSettings {
  const variant = values['meta-variant'] ?? defaults.variant;
  if (variant !== 'fomaml' && variant !== 'reptile') {
    throw new UsageError(
      `Error in fedmetanas ${command}: --meta-variant must be fomaml or reptile, found '${variant}'.`,
    );
  }
  const num = (flag: keyof typeof LEARNER_FLAG_OPTIONS, fallback: number, min: number, integer = false) =>
    numberFlag(command, flag, values[flag], fallback, { min, integer });
  return {
    variant,
    taskSteps: num('task-steps', defaults.taskSteps, 1, true),
    taskLr: num('task-lr', defaults.taskLr, 0),
    taskAlphaLr: num('task-alpha-lr', defaults.taskAlphaLr, 0),
    supportSize: num('support-size', defaults.supportSize, 1, true),
    querySize: num('query-size', defaults.querySize, 1, true),
    tasksPerMetaStep: num('tasks-per-meta-step', defaults.tasksPerMetaStep, 1, true),
    metaLr: num('meta-lr', defaults.metaLr, 0),
    metaMomentum: num('meta-momentum', defaults.metaMomentum, 0),
    metaWeightDecay: num('meta-weight-decay', defaults.metaWeightDecay, 0),
    metaAlphaLr: num('meta-alpha-lr', defaults.metaAlphaLr, 0),
  };
}
