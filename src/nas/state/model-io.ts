import * as tf from '@tensorflow/tfjs-core';
import { ConfigHashMismatchError, TensorNameMismatchError, TensorShapeMismatchError } from '../errors.js';
import type { SearchModel } from '../types.js';
import {
  TENSOR_SECTIONS,
  sizeOf,
  type JsonValue,
  type ModelState,
  type StateSpec,
  type TensorRecord,
} from './types.js';

/** What `extractModelState` stamps on the state. */
export interface ExtractOptions {
  round: number;
  configHash: string;
  meta?: { [key: string]: JsonValue };
}

/**
 * Copy a model's weights, alphas, buffers and masks into a plain `ModelState`. Weights and buffers of
 * candidates pruned by the model's masks (`candidateOf(name)` with mask 0) are left out: they are neither
 * computed nor sent.
 */
export function extractModelState(model: SearchModel, opts: ExtractOptions): ModelState {
  const pruned = (name: string) => isPruned(model.candidateOf(name), model.masks);
  const read = (vars: ReadonlyMap<string, tf.Variable>, skip: (name: string) => boolean): TensorRecord => {
    const out: TensorRecord = {};
    for (const [name, v] of vars) {
      if (skip(name)) continue;
      out[name] = { shape: [...v.shape], data: Float32Array.from(v.dataSync()) };
    }
    return out;
  };
  const masks: Record<string, Float32Array> = {};
  for (const [key, m] of model.masks) masks[key] = Float32Array.from(m);
  return {
    weights: read(model.weights, pruned),
    alphas: read(model.alphas, () => false),
    buffers: read(model.buffers, pruned),
    masks,
    round: opts.round,
    configHash: opts.configHash,
    ...(opts.meta === undefined ? {} : { meta: opts.meta }),
  };
}

/** Options of `loadModelState`. */
export interface LoadOptions {
  /** When given, the state's `configHash` must equal it. */
  configHash?: string;
}

/**
 * Check that `state` fits `model` (config hash, names, shapes, masks), then load it: masks first, then
 * every weight, alpha and buffer. Weights and buffers of candidates the state's masks prune may be absent
 * (their variables keep their values). Nothing is changed when a check fails: `ConfigHashMismatchError`,
 * `TensorNameMismatchError` or `TensorShapeMismatchError` list every offending tensor.
 */
export function loadModelState(model: SearchModel, state: ModelState, opts: LoadOptions = {}): void {
  const fn = 'loadModelState';
  if (opts.configHash !== undefined && state.configHash !== opts.configHash) {
    throw new ConfigHashMismatchError(
      `Error in ${fn}: state.configHash must be '${opts.configHash}', found '${state.configHash}'`,
    );
  }
  const masks = new Map(Object.entries(state.masks));
  checkNames(fn, 'masks', [...model.alphas.keys()], Object.keys(state.masks), () => false);
  const shapeErrors: string[] = [];
  for (const [key, a] of model.alphas) {
    const m = masks.get(key) as Float32Array;
    if (m.length !== a.size)
      shapeErrors.push(`masks['${key}'] must have length ${a.size}, found ${m.length}`);
    else if (m.some((v) => v !== 0 && v !== 1)) shapeErrors.push(`masks['${key}'] must hold only 0 and 1`);
  }
  const prunedByState = (name: string) => isPruned(model.candidateOf(name), masks);
  const vars = { weights: model.weights, alphas: model.alphas, buffers: model.buffers };
  for (const section of TENSOR_SECTIONS) {
    const optional = section === 'alphas' ? () => false : prunedByState;
    checkNames(fn, section, [...vars[section].keys()], Object.keys(state[section]), optional);
    for (const [name, t] of Object.entries(state[section])) {
      const v = vars[section].get(name) as tf.Variable;
      if (!sameShape(v.shape, t.shape) || t.data.length !== sizeOf(t.shape)) {
        shapeErrors.push(
          `${section}['${name}'] must have shape [${v.shape}], found [${t.shape}] with ${t.data.length} values`,
        );
      }
    }
  }
  if (shapeErrors.length > 0) throw new TensorShapeMismatchError(`Error in ${fn}: ${list(shapeErrors)}`);
  model.masks = new Map([...masks].map(([k, m]) => [k, Float32Array.from(m)]));
  for (const section of TENSOR_SECTIONS) {
    for (const [name, t] of Object.entries(state[section])) {
      const v = vars[section].get(name) as tf.Variable;
      tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, v.dtype)));
    }
  }
}

/** Names and shapes of a model's tensors (all weights and buffers, pruned or not). */
export function specOfModel(model: SearchModel): StateSpec {
  const shapes = (m: ReadonlyMap<string, tf.Variable>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, [...v.shape]]));
  return { weights: shapes(model.weights), alphas: shapes(model.alphas), buffers: shapes(model.buffers) };
}

function checkNames(
  fn: string,
  section: string,
  expected: string[],
  found: string[],
  optional: (name: string) => boolean,
): void {
  const have = new Set(found);
  const known = new Set(expected);
  const missing = expected.filter((n) => !have.has(n) && !optional(n));
  const unknown = found.filter((n) => !known.has(n));
  if (missing.length === 0 && unknown.length === 0) return;
  const parts = [
    missing.length > 0 ? `missing ${list(missing.map((n) => `'${n}'`))}` : '',
    unknown.length > 0 ? `unknown ${list(unknown.map((n) => `'${n}'`))}` : '',
  ].filter(Boolean);
  throw new TensorNameMismatchError(
    `Error in ${fn}: state.${section} must have the model's names (${expected.length}), found ${parts.join('; ')}`,
  );
}

function isPruned(
  ref: { alphaKey: string; index: number } | undefined,
  masks: ReadonlyMap<string, Float32Array>,
) {
  if (ref === undefined) return false;
  const m = masks.get(ref.alphaKey);
  return m !== undefined && m[ref.index] === 0;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** At most 8 items, then a count of the rest. */
function list(items: string[]): string {
  return items.length <= 8
    ? items.join(', ')
    : `${items.slice(0, 8).join(', ')} and ${items.length - 8} more`;
}
