import * as tf from '@tensorflow/tfjs-core';

/** acc[name] += scale * t (the entry is created on first use); `t` is not consumed. */
export function accumulateInto(acc: Map<string, tf.Tensor>, name: string, t: tf.Tensor, scale: number): void {
  const old = acc.get(name);
  const next = tf.tidy(() => (old === undefined ? tf.mul(t, scale) : tf.add(old, tf.mul(t, scale))));
  old?.dispose();
  acc.set(name, next);
}
