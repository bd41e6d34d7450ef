import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/util/rng.js';
import type { Batch, PeerData, Task, TaskSizes } from '../../src/nas/learn/data.js';

/** Options of `makeSyntheticPeers`. */
export interface SyntheticOptions {
  peers: number;
  trainPerPeer: number;
  testPerPeer: number;
  classes: number;
  /** `[height, width, channels]`. */
  shape: [number, number, number];
  /** Standard deviation of the noise around each class prototype (prototypes have unit-variance entries). */
  noise: number;
  seed: number;
  /** Classes each peer sees (label skew); default all. */
  classesPerPeer?: number;
}

/** An in-memory peer over Float32 samples; every batch it hands out is a new tensor pair. */
export class ArrayPeer implements PeerData {
  constructor(
    readonly index: number,
    private readonly shape: [number, number, number],
    private readonly trainX: Float32Array,
    private readonly trainY: Int32Array,
    private readonly testX: Float32Array,
    private readonly testY: Int32Array,
  ) {}

  get sampleCount(): number {
    return this.trainY.length;
  }

  get testCount(): number {
    return this.testY.length;
  }

  nextBatch(rng: Rng, size: number): Batch {
    const idx = Array.from({ length: size }, () => rng.int(this.trainY.length));
    return this.gather(this.trainX, this.trainY, idx);
  }

  nextTask(rng: Rng, sizes: TaskSizes): Task {
    return { support: this.nextBatch(rng, sizes.support), query: this.nextBatch(rng, sizes.query) };
  }

  *testBatches(size: number): Iterable<Batch> {
    for (let start = 0; start < this.testY.length; start += size) {
      const idx = Array.from({ length: Math.min(size, this.testY.length - start) }, (_, i) => start + i);
      yield this.gather(this.testX, this.testY, idx);
    }
  }

  private gather(xs: Float32Array, ys: Int32Array, idx: number[]): Batch {
    const d = this.shape[0] * this.shape[1] * this.shape[2];
    const x = new Float32Array(idx.length * d);
    const y = new Int32Array(idx.length);
    idx.forEach((j, i) => {
      x.set(xs.subarray(j * d, (j + 1) * d), i * d);
      y[i] = ys[j];
    });
    return { x: tf.tensor4d(x, [idx.length, ...this.shape]), y: tf.tensor1d(y, 'int32') };
  }
}

/** Peers holding samples of Gaussian clusters around random class prototypes: an easy, seeded task. */
export function makeSyntheticPeers(opts: SyntheticOptions): ArrayPeer[] {
  const rng = new Rng(opts.seed);
  const d = opts.shape[0] * opts.shape[1] * opts.shape[2];
  const protos = Array.from({ length: opts.classes }, () =>
    Float32Array.from({ length: d }, () => rng.normal()),
  );
  const sample = (count: number, classes: number[]): [Float32Array, Int32Array] => {
    const x = new Float32Array(count * d);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const c = classes[rng.int(classes.length)];
      y[i] = c;
      for (let j = 0; j < d; j++) x[i * d + j] = protos[c][j] + opts.noise * rng.normal();
    }
    return [x, y];
  };
  return Array.from({ length: opts.peers }, (_, k) => {
    const all = Array.from({ length: opts.classes }, (_, c) => c);
    const own = opts.classesPerPeer === undefined ? all : rng.shuffle([...all]).slice(0, opts.classesPerPeer);
    const [trainX, trainY] = sample(opts.trainPerPeer, own);
    const [testX, testY] = sample(opts.testPerPeer, own);
    return new ArrayPeer(k, opts.shape, trainX, trainY, testX, testY);
  });
}
