/**
 * Aggregation rules work on flat named vectors, one set per client, and know nothing of models or
 * tensors. A name may be missing from some clients (a candidate pruned by that peer): rules combine each
 * name over the clients that have it.
 */

/** Named flat vectors. */
export type VectorMap = Record<string, Float32Array>;

/** One client's contribution. */
export interface RuleClient {
  /** For messages and selection reports. */
  id: string;
  /** FedAvg weight (sample count); ignored by order statistics. */
  weight: number;
  vectors: VectorMap;
}

/** Input of an aggregation rule. */
export interface RuleInput {
  clients: readonly RuleClient[];
  /** The previous global vectors, for rules that look at updates as deltas (norm clipping). */
  reference?: VectorMap;
}

/** A strategy combining client vectors into one set; robust variants wrap an inner rule. */
export interface AggregationRule {
  /** Description for logs and configs, e.g. `normClip(10, krum(f=1, m=2, fedAvg))`. */
  readonly name: string;
  aggregate(input: RuleInput): VectorMap;
}

/** Names present in at least one client, in first-seen order. */
export function unionNames(clients: readonly RuleClient[]): string[] {
  const seen = new Set<string>();
  for (const c of clients) for (const n of Object.keys(c.vectors)) seen.add(n);
  return [...seen];
}

/** The clients holding `name`. */
export function holders(clients: readonly RuleClient[], name: string): RuleClient[] {
  return clients.filter((c) => c.vectors[name] !== undefined);
}
