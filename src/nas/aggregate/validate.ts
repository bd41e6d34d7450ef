import {
  NonFiniteUpdateError,
  TensorNameMismatchError,
  TensorShapeMismatchError,
  UpdateNormError,
} from '../errors.js';
import { TENSOR_SECTIONS, sizeOf, type ModelState, type StateSpec } from '../state/types.js';
import type { CandidateRef } from '../types.js';
import { updateNorm } from './norm-clip.js';
import type { VectorMap } from './types.js';

/**
 * Checks run on every update before aggregation. Each throws a named error listing the offending
 * tensors of the update labelled `label` (e.g. the peer id).
 */

/** Throw `NonFiniteUpdateError` if any weight, alpha or buffer holds NaN or an infinity. */
export function assertFiniteState(state: ModelState, label: string): void {
  const bad: string[] = [];
  for (const section of TENSOR_SECTIONS) {
    for (const [name, t] of Object.entries(state[section])) {
      const i = t.data.findIndex((x) => !Number.isFinite(x));
      if (i >= 0) bad.push(`${section}['${name}'][${i}] = ${t.data[i]}`);
    }
  }
  if (bad.length > 0) {
    throw new NonFiniteUpdateError(
      `Error in assertFiniteState: update '${label}' must hold finite values, found ${list(bad)}`,
    );
  }
}

/** Options of `assertStateMatchesSpec`. */
export interface SpecCheckOptions {
  /**
   * When given, a weight or buffer may be missing only if the update's own masks prune its candidate;
   * without it any weight or buffer may be missing. Alphas and masks may never be missing.
   */
  candidateOf?: (name: string) => CandidateRef | undefined;
}

/**
 * Throw `TensorNameMismatchError` on unknown or missing names and `TensorShapeMismatchError` on wrong
 * shapes, value counts or mask lengths, comparing `state` with `spec`.
 */
export function assertStateMatchesSpec(
  state: ModelState,
  spec: StateSpec,
  label: string,
  opts: SpecCheckOptions = {},
): void {
  const fn = 'assertStateMatchesSpec';
  const names: string[] = [];
  const shapes: string[] = [];
  const pruned = (name: string) => {
    const ref = opts.candidateOf?.(name);
    return ref !== undefined && state.masks[ref.alphaKey]?.[ref.index] === 0;
  };
  for (const section of TENSOR_SECTIONS) {
    const expected = spec[section];
    for (const [name, t] of Object.entries(state[section])) {
      const shape = expected[name];
      if (shape === undefined) names.push(`unknown ${section}['${name}']`);
      else if (
        shape.length !== t.shape.length ||
        shape.some((d, i) => d !== t.shape[i]) ||
        t.data.length !== sizeOf(shape)
      ) {
        shapes.push(
          `${section}['${name}'] must have shape [${shape}], found [${t.shape}] with ${t.data.length} values`,
        );
      }
    }
    for (const name of Object.keys(expected)) {
      if (state[section][name] !== undefined) continue;
      const optional = section !== 'alphas' && (opts.candidateOf === undefined || pruned(name));
      if (!optional) names.push(`missing ${section}['${name}']`);
    }
  }
  for (const [key, shape] of Object.entries(spec.alphas)) {
    const m = state.masks[key];
    if (m === undefined) names.push(`missing masks['${key}']`);
    else if (m.length !== sizeOf(shape))
      shapes.push(`masks['${key}'] must have length ${sizeOf(shape)}, found ${m.length}`);
  }
  for (const key of Object.keys(state.masks))
    if (spec.alphas[key] === undefined) names.push(`unknown masks['${key}']`);
  if (names.length > 0) {
    throw new TensorNameMismatchError(
      `Error in ${fn}: update '${label}' must match the reference names, found ${list(names)}`,
    );
  }
  if (shapes.length > 0)
    throw new TensorShapeMismatchError(`Error in ${fn}: update '${label}': ${list(shapes)}`);
}

/**
 * Throw `UpdateNormError` when the L2 norm of `state - reference` over weights, alphas and buffers (names
 * missing from the reference count from 0) exceeds `maxNorm`; the message lists the largest contributors.
 */
export function assertNormBound(
  state: ModelState,
  maxNorm: number,
  label: string,
  reference?: ModelState,
): void {
  const vectors = flatten(state);
  const ref = reference === undefined ? undefined : flatten(reference);
  const norm = updateNorm(vectors, ref);
  if (norm <= maxNorm) return;
  const parts = Object.keys(vectors)
    .map((name) => ({ name, norm: updateNorm({ [name]: vectors[name] }, ref) }))
    .sort((a, b) => b.norm - a.norm)
    .slice(0, 5)
    .map((p) => `${p.name} ${p.norm.toPrecision(4)}`);
  throw new UpdateNormError(
    `Error in assertNormBound: update '${label}' norm must be <= ${maxNorm}, found ${norm.toPrecision(6)} (largest: ${parts.join(', ')})`,
  );
}

/** One flat map of a state's tensors, names prefixed by section: `weights/<name>`, `alphas/<name>`, `buffers/<name>`. */
export function flatten(state: ModelState): VectorMap {
  const out: VectorMap = {};
  for (const section of TENSOR_SECTIONS)
    for (const [name, t] of Object.entries(state[section])) out[`${section}/${name}`] = t.data;
  return out;
}

function list(items: string[]): string {
  return items.length <= 8
    ? items.join(', ')
    : `${items.slice(0, 8).join(', ')} and ${items.length - 8} more`;
}
