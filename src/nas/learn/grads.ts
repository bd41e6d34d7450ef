import * as tf from '@tensorflow/tfjs-core';
import type { SearchModel } from '../types.js';

/** The loss value and the gradients of the variables the loss depends on, by stable name. */
export interface LossAndGrads {
  loss: number;
  /** Owned by the caller: free with `disposeGrads`. Variables the loss does not reach have no entry. */
  grads: Map<string, tf.Tensor>;
}

/**
 * Gradients of the scalar `lossFn()` with respect to the trainable variables of `vars` (stable name to
 * variable). Every intermediate tensor is freed; only the gradients survive.
 */
export function lossAndGrads(vars: ReadonlyMap<string, tf.Variable>, lossFn: () => tf.Scalar): LossAndGrads {
  const names: string[] = [];
  const list: tf.Variable[] = [];
  for (const [name, v] of vars) {
    if (!v.trainable) continue;
    names.push(name);
    list.push(v);
  }
  // The engine call behind tf.variableGrads, allowing a loss that reaches none of the variables (e.g. a
  // hard Gumbel sample where every computed candidate is `none`): the gradients are then zero, i.e. absent.
  const { value, grads } = tf.engine().gradients(lossFn, list, undefined, true);
  const loss = value.dataSync()[0];
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  grads.forEach((g, i) => {
    if (g != null) out.set(names[i], g);
  });
  return { loss, grads: out };
}

/** Free every gradient of a map and clear it. */
export function disposeGrads(grads: Map<string, tf.Tensor>): void {
  for (const g of grads.values()) g.dispose();
  grads.clear();
}

/**
 * The weights that take part in training: every weight except those of candidates pruned by the
 * model's masks (their gradients would be zero and they are never sent).
 */
export function liveWeights(model: SearchModel): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [name, v] of model.weights) {
    if (isPrunedName(model, name)) continue;
    out.set(name, v);
  }
  return out;
}

/** True when `name` belongs to a candidate whose mask entry is 0. */
export function isPrunedName(model: SearchModel, name: string): boolean {
  const ref = model.candidateOf(name);
  if (ref === undefined) return false;
  const mask = model.masks.get(ref.alphaKey);
  return mask !== undefined && mask[ref.index] === 0;
}

/**
 * Rescale gradients in place so their global L2 norm is at most `maxNorm` (as
 * `torch.nn.utils.clip_grad_norm_`: scale = maxNorm / (norm + 1e-6) when below 1). Returns the norm before clipping.
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  if (grads.size === 0) return 0;
  const norm = tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(tf.addN(squares)).dataSync()[0];
  });
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, scale));
      g.dispose();
    }
  }
  return norm;
}
