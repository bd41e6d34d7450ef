import type * as tf from '@tensorflow/tfjs-core';
import {
  datasetBatchOptions,
  evaluationBatches,
  makeBatch,
  type BatchOptions,
} from '../data/pipeline/batch.js';
import type { PeerSplit } from '../data/split.js';
import type { Dataset } from '../data/types.js';
import type { Batch, PeerData, Task, TaskSizes, TestSource } from '../nas/learn/data.js';
import type { Rng } from '../util/rng.js';

/**
 * A peer's view of its shard for the learners. Pools: support tasks and FedNAS weight batches draw from
 * `train ∪ support`, query tasks and FedNAS architecture batches from `query`, plain training batches
 * from all three; `test` is the peer's local test split. Samples stay `uint8` until a batch is drawn.
 */
export class ShardPeerData implements PeerData {
  readonly sampleCount: number;
  readonly testCount: number;
  private readonly supportPool: Int32Array;
  private readonly queryPool: Int32Array;
  private readonly allPool: Int32Array;
  private readonly trainOpts: BatchOptions;
  private readonly testOpts: BatchOptions;

  constructor(
    readonly index: number,
    private readonly dataset: Dataset,
    private readonly split: PeerSplit,
  ) {
    this.supportPool = concat(split.train, split.support);
    this.queryPool = split.query.length > 0 ? split.query : this.supportPool;
    this.allPool = concat(this.supportPool, split.query);
    this.sampleCount = this.allPool.length;
    this.testCount = split.test.length;
    this.trainOpts = datasetBatchOptions(dataset, true);
    this.testOpts = datasetBatchOptions(dataset, false);
  }

  nextTask(rng: Rng, sizes: TaskSizes): Task {
    return {
      support: this.draw(this.supportPool, sizes.support, rng),
      query: this.draw(this.queryPool, sizes.query, rng),
    };
  }

  nextBatch(rng: Rng, size: number): Batch {
    return this.draw(this.allPool, size, rng);
  }

  *testBatches(size: number): Iterable<Batch> {
    const test = this.split.test;
    for (let start = 0; start < test.length; start += size) {
      const b = makeBatch(this.dataset.train, test.subarray(start, start + size), this.testOpts);
      yield { x: b.xs, y: b.ys as tf.Tensor1D };
    }
  }

  /** `size` distinct samples of `pool` (all of it when smaller), augmented for training. */
  private draw(pool: Int32Array, size: number, rng: Rng): Batch {
    const n = Math.min(size, pool.length);
    const picked = pool.slice();
    for (let i = 0; i < n; i++) {
      const j = i + rng.int(picked.length - i);
      const t = picked[i] as number;
      picked[i] = picked[j] as number;
      picked[j] = t;
    }
    const b = makeBatch(this.dataset.train, picked.subarray(0, n), { ...this.trainOpts, rng });
    return { x: b.xs, y: b.ys as tf.Tensor1D };
  }
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The dataset's global test set as a `TestSource` (normalised, never augmented). */
export class DatasetTestSource implements TestSource {
  readonly testCount: number;
  constructor(private readonly dataset: Dataset) {
    this.testCount = dataset.test.count;
  }

  *testBatches(size: number): Iterable<Batch> {
    for (const b of evaluationBatches(this.dataset, size)) yield { x: b.xs, y: b.ys as tf.Tensor1D };
  }
}
