/**
 * Cell topology shared by the supernet, pruning, genotypes and diagrams. States 0 and 1 are the cell
 * inputs, state `n + 2` is intermediate node `n`. Edges are numbered as in DARTS: node 0's edges from
 * states 0 and 1 first, then node 1's from states 0, 1, 2, and so on (14 edges for 4 nodes).
 * Node `n` chooses among the C(n+2, 2) unordered pairs of its predecessor states, in lexicographic order
 * `(0,1), (0,2), ..., (1,2), ...`.
 */

/** The two cell types; alphas are shared by all cells of one type. */
export type CellType = 'normal' | 'reduce';

/** Both cell types, in a fixed order. */
export const CELL_TYPES: readonly CellType[] = ['normal', 'reduce'];

/** One edge of a cell: from predecessor state `from` into node `node`. */
export interface EdgeInfo {
  index: number;
  node: number;
  from: number;
}

/** Edges and input pairs of a cell with a given number of intermediate nodes. */
export interface CellTopology {
  nodes: number;
  edges: readonly EdgeInfo[];
  /** `pairs[n][k]` = the two predecessor states of candidate pair `k` of node `n` (ascending). */
  pairs: readonly (readonly [number, number])[][];
  /** `pairEdges[n][k]` = the two edge indices of candidate pair `k` of node `n`. */
  pairEdges: readonly (readonly [number, number])[][];
}

/** Number of edges of a cell with `nodes` intermediate nodes. */
export function numEdges(nodes: number): number {
  return (nodes * (nodes + 3)) / 2;
}

/** Index of the edge from state `from` into node `node`. */
export function edgeIndex(node: number, from: number): number {
  return (node * (node + 3)) / 2 + from;
}

/** The candidate input pairs of node `node` (0-based): all pairs of its `node + 2` predecessors. */
export function inputPairs(node: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < node + 2; i++) for (let j = i + 1; j < node + 2; j++) out.push([i, j]);
  return out;
}

/** Index of pair `(i, j)` (any order) among node `node`'s candidate pairs, or -1. */
export function pairIndex(node: number, i: number, j: number): number {
  const [a, b] = i < j ? [i, j] : [j, i];
  return inputPairs(node).findIndex(([x, y]) => x === a && y === b);
}

const cache = new Map<number, CellTopology>();

/** The (cached, immutable) topology of a cell with `nodes` intermediate nodes. */
export function cellTopology(nodes: number): CellTopology {
  const hit = cache.get(nodes);
  if (hit) return hit;
  const edges: EdgeInfo[] = [];
  const pairs: [number, number][][] = [];
  const pairEdges: [number, number][][] = [];
  for (let n = 0; n < nodes; n++) {
    for (let from = 0; from < n + 2; from++) edges.push({ index: edges.length, node: n, from });
    const p = inputPairs(n);
    pairs.push(p);
    pairEdges.push(p.map(([i, j]) => [edgeIndex(n, i), edgeIndex(n, j)]));
  }
  const topo: CellTopology = { nodes, edges, pairs, pairEdges };
  cache.set(nodes, topo);
  return topo;
}

/** Alpha / mask key of edge `e` of a cell type: `normal.edges.3`. */
export function edgeKey(type: CellType, e: number): string {
  return `${type}.edges.${e}`;
}

/** Alpha / mask key of node `n` of a cell type: `reduce.nodes.2`. */
export function nodeKey(type: CellType, n: number): string {
  return `${type}.nodes.${n}`;
}

/** Every alpha key of a search space with `nodes` nodes and its vector length. */
export function alphaShapes(nodes: number, numOps: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const type of CELL_TYPES) {
    for (let e = 0; e < numEdges(nodes); e++) out.set(edgeKey(type, e), numOps);
    for (let n = 0; n < nodes; n++) out.set(nodeKey(type, n), inputPairs(n).length);
  }
  return out;
}
