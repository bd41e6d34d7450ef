import * as tf from '@tensorflow/tfjs-core';
import type { AdamSpec, Optimizer } from './optimizer.js';

interface Moments {
  m: tf.Tensor;
  v: tf.Tensor;
  step: number;
}

/**
 * Adam as `torch.optim.Adam` (L2 weight decay added to the gradient, per-variable step count):
 * g += wd * p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 */
export class AdamOptimizer implements Optimizer {
  lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly moments = new Map<string, Moments>();

  constructor(spec: AdamSpec) {
    this.lr = spec.lr;
    this.beta1 = spec.beta1 ?? 0.9;
    this.beta2 = spec.beta2 ?? 0.999;
    this.eps = spec.eps ?? 1e-8;
    this.weightDecay = spec.weightDecay ?? 0;
  }

  step(
    params: ReadonlyMap<string, tf.Variable>,
    grads: ReadonlyMap<string, tf.Tensor>,
    masks?: ReadonlyMap<string, Float32Array>,
  ): void {
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (g === undefined) continue;
      const mask = masks?.get(name);
      const old = this.moments.get(name);
      const t = (old?.step ?? 0) + 1;
      const [m, v] = tf.tidy(() => {
        const mk = mask === undefined ? undefined : tf.tensor(mask, p.shape);
        let d: tf.Tensor = this.weightDecay > 0 ? tf.add(g, tf.mul(p, this.weightDecay)) : g;
        if (mk !== undefined) d = tf.mul(d, mk);
        const d2 = tf.square(d);
        const m1 = tf.mul(d, 1 - this.beta1);
        const v1 = tf.mul(d2, 1 - this.beta2);
        const m = old === undefined ? m1 : tf.add(tf.mul(old.m, this.beta1), m1);
        const v = old === undefined ? v1 : tf.add(tf.mul(old.v, this.beta2), v1);
        const mHat = tf.div(m, 1 - Math.pow(this.beta1, t));
        const vHat = tf.div(v, 1 - Math.pow(this.beta2, t));
        let update = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.eps)), this.lr);
        if (mk !== undefined) update = tf.mul(update, mk);
        p.assign(tf.sub(p, update));
        return [m, v];
      });
      if (old !== undefined) {
        old.m.dispose();
        old.v.dispose();
      }
      this.moments.set(name, { m, v, step: t });
    }
  }

  stateSize(): number {
    return this.moments.size * 2;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
