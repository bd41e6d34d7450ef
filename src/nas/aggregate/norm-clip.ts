import { AggregationConfigError } from '../errors.js';
import type { AggregationRule, RuleClient, RuleInput, VectorMap } from './types.js';

/**
 * Norm clipping: each client's update (vectors - reference, or the vectors themselves without a reference)
 * is scaled down to L2 norm `maxNorm` over all its names when longer, then the inner rule combines the
 * clipped clients (reference + clipped update).
 */
export function normClipping(maxNorm: number, inner: AggregationRule): AggregationRule {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) {
    throw new AggregationConfigError(
      `Error in normClipping: maxNorm must be a finite number > 0, found ${maxNorm}`,
    );
  }
  return {
    name: `normClip(${maxNorm}, ${inner.name})`,
    aggregate(input: RuleInput): VectorMap {
      const clients = input.clients.map((c) => clip(c, input.reference, maxNorm));
      return inner.aggregate({ ...input, clients });
    },
  };
}

/** L2 norm of `vectors - reference` over every name of `vectors` (reference entries default to 0). */
export function updateNorm(vectors: VectorMap, reference?: VectorMap): number {
  let s = 0;
  for (const [name, v] of Object.entries(vectors)) {
    const r = reference?.[name];
    for (let i = 0; i < v.length; i++) s += (v[i] - (r?.[i] ?? 0)) ** 2;
  }
  return Math.sqrt(s);
}

function clip(client: RuleClient, reference: VectorMap | undefined, maxNorm: number): RuleClient {
  const norm = updateNorm(client.vectors, reference);
  if (norm <= maxNorm) return client;
  const scale = maxNorm / norm;
  const vectors: VectorMap = {};
  for (const [name, v] of Object.entries(client.vectors)) {
    const r = reference?.[name];
    vectors[name] = v.map((x, i) => (r?.[i] ?? 0) + (x - (r?.[i] ?? 0)) * scale);
  }
  return { ...client, vectors };
}
