import { createHash } from 'node:crypto';

/**
 * A stable hash of a configuration: SHA-256 (hex) of its JSON with object keys sorted at every level, so
 * the same config gives the same hash on every peer whatever the key order.
 */
export function hashConfig(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config), 'utf8').digest('hex');
}

/** JSON with sorted object keys (arrays keep their order; `undefined` members are dropped). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
