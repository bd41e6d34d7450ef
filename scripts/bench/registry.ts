import type * as tf from '@tensorflow/tfjs-core';
import type { ResolvedBackend } from '../../src/tensor/backend.js';

/** What a case builds once before timing: the call to time, its work, and the cleanup. */
export interface BenchInstance {
  /** One timed call. Returned tensors are disposed after the timer stops (backends here are synchronous). */
  run(): tf.Tensor | tf.Tensor[] | void;
  /** Floating-point operations of one call, for `gflops`. */
  flops?: number;
  /** Images processed by one call, for `images_per_s`. */
  images?: number;
  dispose(): void;
}

/** One benchmark: `kernel/<KernelName>/<shape>` or `supernet/<config>/<mode>`. */
export interface BenchCase {
  name: string;
  /** Shape and attributes, reported as they are. */
  shape: Record<string, number>;
  attrs?: Record<string, unknown>;
  /** False where the backend cannot run the case (e.g. the cpu kernels ignore dilations). */
  supports?(backend: ResolvedBackend): boolean;
  /** Heavy cases are skipped on slow backends unless asked for. */
  heavy?: boolean;
  setup(): BenchInstance;
}

/** A module of cases, e.g. `kernelSuite` in kernels.ts. */
export interface BenchSuite {
  name: string;
  cases(): BenchCase[];
}

/** One result line. */
export interface BenchResult {
  name: string;
  backend: string;
  /** Median milliseconds per call. */
  ms: number;
  /** Fastest call, milliseconds. */
  min_ms: number;
  reps: number;
  gflops?: number;
  images_per_s?: number;
  shape: Record<string, number>;
  attrs?: Record<string, unknown>;
  versions: Record<string, string>;
}

/** Timing options: warm-up calls, then `reps` timed calls (stopping early past `maxMs`). */
export interface RunOptions {
  warmup: number;
  reps: number;
  maxMs: number;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = { warmup: 2, reps: 15, maxMs: 20_000 };

function dispose(out: tf.Tensor | tf.Tensor[] | void): void {
  if (out == null) return;
  for (const t of Array.isArray(out) ? out : [out]) t.dispose();
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Warm up, time each call with `performance.now()`, and report the median. */
export function runCase(
  bench: BenchCase,
  backend: string,
  versions: Record<string, string>,
  options: RunOptions = DEFAULT_RUN_OPTIONS,
): BenchResult {
  const instance = bench.setup();
  try {
    for (let i = 0; i < options.warmup; i++) dispose(instance.run());
    const times: number[] = [];
    const start = performance.now();
    while (times.length < options.reps && (times.length < 3 || performance.now() - start < options.maxMs)) {
      const t0 = performance.now();
      const out = instance.run();
      times.push(performance.now() - t0);
      dispose(out);
    }
    times.sort((a, b) => a - b);
    const ms = median(times);
    const result: BenchResult = {
      name: bench.name,
      backend,
      ms: Number(ms.toFixed(4)),
      min_ms: Number(times[0].toFixed(4)),
      reps: times.length,
      shape: bench.shape,
      ...(bench.attrs ? { attrs: bench.attrs } : {}),
      versions,
    };
    if (instance.flops != null) result.gflops = Number((instance.flops / ms / 1e6).toFixed(3));
    if (instance.images != null) result.images_per_s = Number(((instance.images * 1000) / ms).toFixed(2));
    return result;
  } finally {
    instance.dispose();
  }
}
