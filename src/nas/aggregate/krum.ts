import { AggregationConfigError } from '../errors.js';
import { fedAvg, requireClients } from './fedavg.js';
import type { AggregationRule, RuleClient, RuleInput, VectorMap } from './types.js';

/** Options of `krum`. */
export interface KrumOptions {
  /** Number of Byzantine clients tolerated; Krum needs n >= 2f + 3 clients. */
  f: number;
  /** Multi-Krum: number of clients selected (default 1 = Krum), at most n - f. */
  m?: number;
  /** Rule applied to the selected clients (default `fedAvg()`). */
  inner?: AggregationRule;
  /** Called with the ids of the selected clients (for reports and tests). */
  onSelect?: (ids: string[]) => void;
}

/**
 * (Multi-)Krum (Blanchard et al. 2017): score each client by the sum of squared distances to its n - f - 2
 * nearest clients, keep the m lowest scores (ties: earlier client) and hand them to the inner rule.
 * Distances use the names every client holds.
 */
export function krum(opts: KrumOptions): AggregationRule {
  const { f, m = 1, inner = fedAvg(), onSelect } = opts;
  if (!Number.isInteger(f) || f < 0)
    throw new AggregationConfigError(`Error in krum: f must be an integer >= 0, found ${f}`);
  if (!Number.isInteger(m) || m < 1)
    throw new AggregationConfigError(`Error in krum: m must be a positive integer, found ${m}`);
  return {
    name: `krum(f=${f}, m=${m}, ${inner.name})`,
    aggregate(input: RuleInput): VectorMap {
      const fn = 'krum';
      const clients = input.clients;
      requireClients(fn, clients);
      const n = clients.length;
      if (n < 2 * f + 3) {
        throw new AggregationConfigError(
          `Error in ${fn}: clients must number at least 2f + 3 = ${2 * f + 3}, found ${n}`,
        );
      }
      if (m > n - f)
        throw new AggregationConfigError(`Error in ${fn}: m must be <= n - f = ${n - f}, found ${m}`);
      const common = Object.keys(clients[0].vectors).filter((name) =>
        clients.every((c) => c.vectors[name] !== undefined),
      );
      const d = distances(clients, common);
      const scores = clients.map((_, i) => {
        const others = d[i].filter((_, j) => j !== i).sort((a, b) => a - b);
        return others.slice(0, n - f - 2).reduce((s, x) => s + x, 0);
      });
      const order = clients.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
      const selected = order
        .slice(0, m)
        .sort((a, b) => a - b)
        .map((i) => clients[i]);
      onSelect?.(selected.map((c) => c.id));
      return inner.aggregate({ ...input, clients: selected });
    },
  };
}

function distances(clients: readonly RuleClient[], names: string[]): number[][] {
  const n = clients.length;
  const d = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (const name of names) {
        const a = clients[i].vectors[name];
        const b = clients[j].vectors[name];
        for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
      }
      d[i][j] = s;
      d[j][i] = s;
    }
  }
  return d;
}
