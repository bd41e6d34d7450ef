/**
 * The model state exchanged between peers and stored on disk: plain typed arrays by stable dotted
 * name, no tensors and nothing backend-specific.
 */

/** A float32 tensor's values (row-major) and shape. */
export interface TensorData {
  shape: number[];
  data: Float32Array;
}

/** Tensors by stable dotted name. */
export type TensorRecord = Record<string, TensorData>;

/** A JSON value (for free-form metadata). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The state of a `SearchModel`. */
export interface ModelState {
  /** Trainable weights; weights of candidates pruned by `masks` are absent. */
  weights: TensorRecord;
  /** Architecture logits (all of them, pruned entries included). */
  alphas: TensorRecord;
  /** Non-trainable state (BN running statistics); those of pruned candidates are absent. */
  buffers: TensorRecord;
  /** Pruning masks with the keys and lengths of `alphas`: 1 = alive, 0 = pruned. */
  masks: Record<string, Float32Array>;
  /** Federated round this state belongs to. */
  round: number;
  /** Hash of the search-space config the state was produced for (see `hashConfig`). */
  configHash: string;
  /** Free-form JSON metadata (e.g. temperature, method). */
  meta?: { [key: string]: JsonValue };
}

/** The sections of a `ModelState` that hold float tensors. */
export const TENSOR_SECTIONS = ['weights', 'alphas', 'buffers'] as const;
export type TensorSection = (typeof TENSOR_SECTIONS)[number];

/** Names and shapes a state must have: built from a model or from a reference state. */
export interface StateSpec {
  weights: Record<string, number[]>;
  alphas: Record<string, number[]>;
  buffers: Record<string, number[]>;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Shapes of every tensor of a state. */
export function specOfState(state: ModelState): StateSpec {
  const shapes = (r: TensorRecord) =>
    Object.fromEntries(Object.entries(r).map(([k, t]) => [k, [...t.shape]]));
  return { weights: shapes(state.weights), alphas: shapes(state.alphas), buffers: shapes(state.buffers) };
}
