import type { DeriveRule, SearchSpaceConfig } from '../space/config.js';
import type { SearchModel } from '../types.js';
import { deriveGenotype } from './derive.js';
import type { ArchValues, Genotype } from './types.js';

/** A search model with its search-space config (e.g. `Supernet`). */
export type ConfiguredModel = Pick<SearchModel, 'alphas' | 'masks'> & {
  config: Pick<SearchSpaceConfig, 'ops' | 'nodes' | 'deriveRule'>;
};

/** Copy a model's alphas and masks out of its variables (synchronous read). */
export function readArchValues(model: ConfiguredModel): ArchValues {
  const alphas = new Map<string, Float32Array>();
  for (const [k, v] of model.alphas) alphas.set(k, Float32Array.from(v.dataSync() as Float32Array));
  const masks = new Map<string, Float32Array>();
  for (const [k, v] of model.masks) masks.set(k, Float32Array.from(v));
  return { alphas, masks, ops: model.config.ops, nodes: model.config.nodes };
}

/** The genotype a model currently encodes (default rule: the model config's `deriveRule`). */
export function deriveModelGenotype(
  model: ConfiguredModel,
  rule: DeriveRule = model.config.deriveRule,
): Genotype {
  return deriveGenotype(readArchValues(model), rule);
}
