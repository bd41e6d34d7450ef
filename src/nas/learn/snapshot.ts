import * as tf from '@tensorflow/tfjs-core';

/** Copies of variable values by stable name, to restore a model after an experiment on it. */
export type Snapshot = Map<string, tf.Tensor>;

/** Copy the current values of `vars`. */
export function takeSnapshot(vars: ReadonlyMap<string, tf.Variable>): Snapshot {
  const out: Snapshot = new Map();
  for (const [name, v] of vars) out.set(name, tf.clone(v));
  return out;
}

/** Assign the saved values back to the variables with the same names. */
export function restoreSnapshot(vars: ReadonlyMap<string, tf.Variable>, snap: Snapshot): void {
  for (const [name, t] of snap) vars.get(name)?.assign(t);
}

/** Free a snapshot's tensors. */
export function disposeSnapshot(snap: Snapshot): void {
  for (const t of snap.values()) t.dispose();
  snap.clear();
}
