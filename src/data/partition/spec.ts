import { PartitionFileError } from '../errors.js';
import { PARTITION_SCHEMES, type PartitionSpec } from './types.js';

const KEYS: Record<PartitionSpec['scheme'], Record<string, 'int' | 'positive' | 'optional-int'>> = {
  iid: {},
  dirichlet: { alpha: 'positive', minSize: 'optional-int', maxRedraws: 'optional-int' },
  skew: { classesPerPeer: 'int' },
  shards: { shardsPerPeer: 'optional-int' },
};

/**
 * Check that an untrusted value (e.g. read from JSON) is a well-formed `PartitionSpec`: a known
 * scheme, integer `numPeers >= 1` and `seed`, the scheme's parameters with the right types, no other key.
 */
export function parsePartitionSpec(value: unknown, where: string): PartitionSpec {
  const fail = (what: string, found: unknown): never => {
    throw new PartitionFileError(`Error in ${where}: expected ${what}, found ${JSON.stringify(found)}.`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('a spec object', value);
  const obj = value as Record<string, unknown>;
  const scheme = obj.scheme;
  if (typeof scheme !== 'string' || !(PARTITION_SCHEMES as readonly string[]).includes(scheme)) {
    return fail(`spec.scheme in ${PARTITION_SCHEMES.join(', ')}`, scheme);
  }
  const isInt = (v: unknown, min: number): boolean =>
    typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (!isInt(obj.numPeers, 1)) fail('spec.numPeers an integer >= 1', obj.numPeers);
  if (!isInt(obj.seed, 0) || (obj.seed as number) > 0xffffffff)
    fail('spec.seed an integer in [0, 2^32)', obj.seed);
  const keys = KEYS[scheme as PartitionSpec['scheme']];
  for (const [key, kind] of Object.entries(keys)) {
    const v = obj[key];
    if (kind === 'positive' && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      fail(`spec.${key} a number > 0`, v);
    }
    if (kind === 'int' && !isInt(v, 1)) fail(`spec.${key} an integer >= 1`, v);
    if (kind === 'optional-int' && v !== undefined && !isInt(v, 0)) fail(`spec.${key} an integer >= 0`, v);
  }
  const extra = Object.keys(obj).find(
    (k) => !['scheme', 'numPeers', 'seed', ...Object.keys(keys)].includes(k),
  );
  if (extra) fail(`only the keys of a ${scheme} spec`, extra);
  return obj as unknown as PartitionSpec;
}
