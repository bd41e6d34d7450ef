import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, SgdSpec } from './optimizer.js';

/**
 * SGD with momentum, as `torch.optim.SGD`: d = g + wd * p; buf = mu * buf + (1 - dampening) * d (buf = d on
 * the first step); d = nesterov ? d + mu * buf : buf; p -= lr * d.
 */
export class SgdOptimizer implements Optimizer {
  lr: number;
  private readonly momentum: number;
  private readonly dampening: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;
  private readonly buffers = new Map<string, tf.Tensor>();

  constructor(spec: SgdSpec) {
    this.lr = spec.lr;
    this.momentum = spec.momentum ?? 0;
    this.dampening = spec.dampening ?? 0;
    this.nesterov = spec.nesterov ?? false;
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
      const old = this.buffers.get(name);
      const next = tf.tidy(() => {
        const m = mask === undefined ? undefined : tf.tensor(mask, p.shape);
        let d: tf.Tensor = this.weightDecay > 0 ? tf.add(g, tf.mul(p, this.weightDecay)) : g;
        if (m !== undefined) d = tf.mul(d, m);
        let buf: tf.Tensor | undefined;
        if (this.momentum > 0) {
          buf =
            old === undefined
              ? tf.clone(d)
              : tf.add(tf.mul(old, this.momentum), tf.mul(d, 1 - this.dampening));
          d = this.nesterov ? tf.add(d, tf.mul(buf, this.momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(d, this.lr)));
        return buf;
      });
      if (next !== undefined) {
        old?.dispose();
        this.buffers.set(name, next);
      }
    }
  }

  stateSize(): number {
    return this.buffers.size;
  }

  dispose(): void {
    for (const t of this.buffers.values()) t.dispose();
    this.buffers.clear();
  }
}
