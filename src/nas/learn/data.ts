import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng.js';

/**
 * The data a learner sees. Every batch handed out belongs to the caller, who disposes it: producers
 * keep their samples outside tensor memory (e.g. `Uint8Array` images) and build tensors on demand.
 */

/** Float32 NHWC images and their int32 class labels. */
export interface Batch {
  x: tf.Tensor4D;
  /** `[batch]`, int32, values in `[0, numClasses)`. */
  y: tf.Tensor1D;
}

/** One FedMetaNAS task: a batch of local training data split into a support and a query set. */
export interface Task {
  support: Batch;
  query: Batch;
}

/** Sizes of the two halves of a task. */
export interface TaskSizes {
  support: number;
  query: number;
}

/** A source of tasks (FedMetaNAS, FedNAS: support = train batch, query = validation batch). */
export interface TaskSource {
  /** A fresh task of the given sizes drawn with `rng`; the caller disposes it. */
  nextTask(rng: Rng, sizes: TaskSizes): Task;
}

/** A source of plain training batches (supervised training, personalization). */
export interface BatchSource {
  /** A fresh training batch of `size` samples drawn with `rng`; the caller disposes it. */
  nextBatch(rng: Rng, size: number): Batch;
}

/** A source of evaluation batches. */
export interface TestSource {
  /** Number of test samples. */
  readonly testCount: number;
  /** The whole test split in order, in batches of at most `size`; the caller disposes each batch. */
  testBatches(size: number): Iterable<Batch>;
}

/** Everything a peer of the in-process harness owns: its local training data and its test split. */
export interface PeerData extends TaskSource, BatchSource, TestSource {
  /** Index of the peer, `0..K-1`. */
  readonly index: number;
  /** Number of local training samples: the peer's weight in FedAvg. */
  readonly sampleCount: number;
}

/** Dispose both halves of a task. */
export function disposeTask(task: Task): void {
  disposeBatch(task.support);
  disposeBatch(task.query);
}

/** Dispose a batch's images and labels. */
export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.y.dispose();
}
