import { GenotypeError } from '../errors.js';
import type { SearchSpaceConfig } from '../space/config.js';
import { CELL_TYPES, alphaShapes, edgeIndex, edgeKey, nodeKey, pairIndex } from '../space/topology.js';
import type { Genotype } from './types.js';
import { validateGenotype } from './validate.js';

/** All-ones masks (nothing pruned) for every alpha key of a search space. */
export function fullMasks(config: Pick<SearchSpaceConfig, 'nodes' | 'ops'>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [key, n] of alphaShapes(config.nodes, config.ops.length))
    out.set(key, new Float32Array(n).fill(1));
  return out;
}

/**
 * Masks under which the supernet computes exactly `genotype` in every mode: each node keeps only the
 * genotype's input pair and each of those two edges only its op (so all candidate weights of one size
 * collapse to constant 1). Edges outside the genotype keep their masks from `base` (default: all ones); they
 * are never computed since no live pair contains them. The weights are the supernet's own.
 * Throws `GenotypeError` when the genotype does not fit the space (node count, unknown op, the same input
 * twice in a node, or a concat other than all nodes).
 */
export function genotypeToMasks(
  genotype: Genotype,
  config: Pick<SearchSpaceConfig, 'nodes' | 'ops'>,
  base?: ReadonlyMap<string, Float32Array>,
): Map<string, Float32Array> {
  validateGenotype(genotype, { nodes: config.nodes, ops: config.ops }, 'genotypeToMasks');
  const masks = fullMasks(config);
  if (base) for (const [k, v] of base) if (masks.has(k)) masks.set(k, Float32Array.from(v));
  const all = Array.from({ length: config.nodes }, (_, i) => i + 2);
  for (const type of CELL_TYPES) {
    const concat = type === 'normal' ? genotype.normalConcat : genotype.reduceConcat;
    if ([...concat].sort((a, b) => a - b).join() !== all.join()) {
      throw new GenotypeError(
        `Error in genotypeToMasks: ${type}Concat must be [${all.join(', ')}] (cells concatenate every node), found [${concat.join(', ')}]`,
      );
    }
    for (let n = 0; n < config.nodes; n++) {
      const [a, b] = [genotype[type][2 * n], genotype[type][2 * n + 1]];
      if (a.input === b.input) {
        throw new GenotypeError(
          `Error in genotypeToMasks: ${type} node ${n} must take two different inputs, found ${a.input} twice`,
        );
      }
      const pairMask = masks.get(nodeKey(type, n)) as Float32Array;
      pairMask.fill(0);
      pairMask[pairIndex(n, a.input, b.input)] = 1;
      for (const { op, input } of [a, b]) {
        const m = masks.get(edgeKey(type, edgeIndex(n, input))) as Float32Array;
        m.fill(0);
        m[config.ops.indexOf(op)] = 1;
      }
    }
  }
  return masks;
}
