import * as tf from '@tensorflow/tfjs-core';
import type { Batch, Task, TaskSource } from '../../src/nas/learn/data.js';
import { makeSyntheticPeers, type ArrayPeer } from './synthetic-peers.js';
import { TinySearchModel, type TinyConfig } from './tiny-search-model.js';

/** The tiny model used by the learner, state, and harness specs. */
export const TINY_CONFIG: TinyConfig = { inputShape: [2, 2, 2], hidden: 8, classes: 3, seed: 7 };

/** A tiny model (seeded). */
export function tinyModel(seed = TINY_CONFIG.seed): TinySearchModel {
  return new TinySearchModel({ ...TINY_CONFIG, seed });
}

/** Easy synthetic peers matching `TINY_CONFIG`. */
export function tinyPeers(peers = 3, seed = 11, classesPerPeer?: number): ArrayPeer[] {
  return makeSyntheticPeers({
    peers,
    trainPerPeer: 96,
    testPerPeer: 48,
    classes: TINY_CONFIG.classes,
    shape: TINY_CONFIG.inputShape,
    noise: 0.6,
    seed,
    classesPerPeer,
  });
}

/** A task source that hands out copies of the same task every time. */
export function fixedTaskSource(task: Task): TaskSource {
  return { nextTask: () => ({ support: cloneBatch(task.support), query: cloneBatch(task.query) }) };
}

/** A copy of a batch (the caller disposes it). */
export function cloneBatch(b: Batch): Batch {
  return { x: tf.clone(b.x), y: tf.clone(b.y) };
}

/** Current values of a map of variables. */
export function readVars(vars: ReadonlyMap<string, tf.Variable>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of vars) out.set(name, Float32Array.from(v.dataSync()));
  return out;
}

/** Largest absolute difference between two equally shaped arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}
