import { DataUsageError } from '../data/errors.js';
import { DEFAULT_MIN_SHARD_SIZE } from '../data/partition/dirichlet.js';
import { parsePartitionScheme } from '../data/partition/index.js';
import type { PartitionSpec } from '../data/partition/types.js';

/** Default Dirichlet concentration of the partition flags. */
export const DEFAULT_ALPHA = 0.5;
/** Default classes per peer of the label-skew partition. */
export const DEFAULT_CLASSES_PER_PEER = 2;

/** The `node:util` parseArgs options of the partition flags, shared by `data`, `search` and `peer`. */
export const PARTITION_FLAG_OPTIONS = {
  partition: { type: 'string' },
  alpha: { type: 'string' },
  'classes-per-peer': { type: 'string' },
  'min-size': { type: 'string' },
} as const;

/** Usage lines of the partition flags, with a command's own defaults. */
export function partitionFlagUsage(defaults: { scheme?: string; alpha?: number } = {}): string {
  const scheme = defaults.scheme ? ` (default ${defaults.scheme})` : ' (required)';
  return `  --partition P           iid | dirichlet | skew | shards${scheme}
  --alpha A               dirichlet concentration, > 0 (default ${defaults.alpha ?? DEFAULT_ALPHA})
  --min-size M            dirichlet: minimum samples per peer (default ${DEFAULT_MIN_SHARD_SIZE})
  --classes-per-peer T    skew: classes per peer (default ${DEFAULT_CLASSES_PER_PEER})`;
}

/** Parse a non-negative integer flag (`fallback` when absent; required when there is no fallback). */
export function intFlag(
  flag: string,
  value: string | undefined,
  fallback: number | undefined,
  min: number,
): number {
  if (value === undefined) {
    if (fallback === undefined)
      throw new DataUsageError(`Error in ${flag}: expected an integer >= ${min}, found none (required).`);
    return fallback;
  }
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(Number.isSafeInteger(n) && n >= min)) {
    throw new DataUsageError(`Error in ${flag}: expected an integer >= ${min}, found '${value}'.`);
  }
  return n;
}

function only(flag: string, value: unknown, scheme: string, allowed: string): void {
  if (value !== undefined && scheme !== allowed) {
    throw new DataUsageError(
      `Error in ${flag}: applies only to --partition ${allowed}, found --partition ${scheme}.`,
    );
  }
}

/** The partition flag values as parseArgs returns them. */
export interface PartitionFlagValues {
  partition?: string;
  alpha?: string;
  'classes-per-peer'?: string;
  'min-size'?: string;
}

/**
 * Build a `PartitionSpec` from the partition flags; `fallbackScheme`/`fallbackAlpha` apply when
 * `--partition`/`--alpha` are absent (no fallback scheme: `--partition` is required).
 */
export function partitionSpecFromFlags(
  values: PartitionFlagValues,
  numPeers: number,
  seed: number,
  fallback: { scheme?: string; alpha?: number } = {},
): PartitionSpec {
  const raw = values.partition ?? fallback.scheme;
  if (raw === undefined) {
    throw new DataUsageError(
      'Error in --partition: expected iid, dirichlet, skew or shards, found none (required).',
    );
  }
  let scheme;
  try {
    scheme = parsePartitionScheme(raw);
  } catch (err) {
    throw new DataUsageError((err as Error).message, { cause: err });
  }
  only('--alpha', values.alpha, scheme, 'dirichlet');
  only('--min-size', values['min-size'], scheme, 'dirichlet');
  only('--classes-per-peer', values['classes-per-peer'], scheme, 'skew');
  if (scheme === 'dirichlet') {
    const alpha = values.alpha === undefined ? (fallback.alpha ?? DEFAULT_ALPHA) : Number(values.alpha);
    if (!(Number.isFinite(alpha) && alpha > 0) || values.alpha?.trim() === '') {
      throw new DataUsageError(`Error in --alpha: expected a number > 0, found '${values.alpha}'.`);
    }
    return {
      scheme,
      numPeers,
      seed,
      alpha,
      minSize: intFlag('--min-size', values['min-size'], DEFAULT_MIN_SHARD_SIZE, 0),
    };
  }
  if (scheme === 'skew') {
    return {
      scheme,
      numPeers,
      seed,
      classesPerPeer: intFlag('--classes-per-peer', values['classes-per-peer'], DEFAULT_CLASSES_PER_PEER, 1),
    };
  }
  return { scheme, numPeers, seed };
}
