import { GenotypeError } from '../errors.js';
import { isOpName } from '../space/ops/names.js';
import { CELL_TYPES } from '../space/topology.js';
import type { Genotype } from './types.js';

/** What a genotype is checked against (defaults: any op, node count from the genotype itself). */
export interface GenotypeCheck {
  nodes?: number;
  ops?: readonly string[];
}

/**
 * Check that `g` is a well-formed genotype (2 edges per node, inputs < node + 2, known ops, concat
 * within range) and, when given, that it fits `nodes` and `ops`. Returns the node count.
 */
export function validateGenotype(g: Genotype, check: GenotypeCheck = {}, fn = 'validateGenotype'): number {
  const bad = (arg: string, expected: string, found: unknown): never => {
    throw new GenotypeError(`Error in ${fn}: ${arg} must be ${expected}, found ${JSON.stringify(found)}`);
  };
  let nodes = -1;
  for (const type of CELL_TYPES) {
    const edges = g[type];
    if (!Array.isArray(edges) || edges.length === 0 || edges.length % 2 !== 0) {
      bad(type, 'a non-empty list with 2 edges per node', edges);
    }
    const n = edges.length / 2;
    if (nodes >= 0 && n !== nodes) bad(type, `${nodes} nodes like the other cell type`, n);
    nodes = n;
    if (check.nodes !== undefined && n !== check.nodes) bad(type, `${check.nodes} nodes (2 edges each)`, n);
    edges.forEach((edge, i) => {
      const node = Math.floor(i / 2);
      if (!edge || typeof edge.op !== 'string' || !isOpName(edge.op))
        bad(`${type}[${i}].op`, 'a DARTS op', edge?.op);
      if (check.ops && !check.ops.includes(edge.op))
        bad(`${type}[${i}].op`, `one of ${check.ops.join(', ')}`, edge.op);
      if (!Number.isInteger(edge.input) || edge.input < 0 || edge.input >= node + 2) {
        bad(`${type}[${i}].input`, `an integer in [0, ${node + 1}]`, edge.input);
      }
    });
    const concat = type === 'normal' ? g.normalConcat : g.reduceConcat;
    if (!Array.isArray(concat) || concat.length === 0)
      bad(`${type}Concat`, 'a non-empty list of states', concat);
    for (const s of concat)
      if (!Number.isInteger(s) || s < 0 || s >= n + 2)
        bad(`${type}Concat`, `states in [0, ${n + 1}]`, concat);
  }
  return nodes;
}
