import type { SearchModel } from '../types.js';
import { cellTopology, nodeKey } from './topology.js';

/**
 * Whether a weight or buffer can still be computed under the model's masks: shared parameters (stem,
 * preprocessing, head) always; a candidate op's parameters when its op is alive on its edge AND the edge
 * belongs to at least one live input pair of its node (an edge whose every pair is pruned is never
 * computed even if its ops are alive). Use it to skip dead parameters when sending or averaging.
 */
export function isParamLive(
  model: Pick<SearchModel, 'masks' | 'candidateOf'>,
  name: string,
  nodes: number,
): boolean {
  const ref = model.candidateOf(name);
  if (!ref) return true;
  if (model.masks.get(ref.alphaKey)?.[ref.index] !== 1) return false;
  const [type, , e] = ref.alphaKey.split('.') as ['normal' | 'reduce', string, string];
  const edge = Number(e);
  const topo = cellTopology(nodes);
  const { node } = topo.edges[edge];
  const pairMask = model.masks.get(nodeKey(type, node));
  return topo.pairEdges[node].some((pair, k) => pairMask?.[k] === 1 && pair.includes(edge));
}

/** Names of the live weights and buffers of a model (see `isParamLive`). */
export function liveParamNames(
  model: Pick<SearchModel, 'masks' | 'candidateOf' | 'weights' | 'buffers'>,
  nodes: number,
): string[] {
  return [...model.weights.keys(), ...model.buffers.keys()].filter((n) => isParamLive(model, n, nodes));
}
