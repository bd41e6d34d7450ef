import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from './errors.js';

const require = createRequire(import.meta.url);

/** The XNNPACK thread pool of the threaded build holds at most this many threads (8 workers pre-spawned). */
export const MAX_WASM_THREADS = 8;

type EmscriptenModule = {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: unknown;
  PThread: { runningWorkers: { unref(): void }[] };
};
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
type WasmPackage = {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
};

/**
 * Instantiate tfjs-backend-wasm's multi-threaded SIMD build in Node and register it as the `wasm`
 * backend, with `threads` XNNPACK threads (worker_threads sharing a SharedArrayBuffer heap).
 *
 * tfjs-backend-wasm 4.22 never does this in Node: its `WASM_HAS_MULTITHREAD_SUPPORT` flag returns
 * false when `IS_NODE` (tfjs issue 3830), and its loader hands emscripten `blob:` URLs for the
 * pthread worker and main script, which Node's `Worker` and the worker's fs-based `importScripts`
 * cannot open. Here the worker source is written to a temporary `.cjs` file and the main script is
 * the glue's own path. The C++ side caps the pool at `emscripten_num_logical_cores() / 2`, which in
 * Node is `os.cpus().length / 2` (1 on a 2-core machine); `os.cpus` reports each CPU twice while
 * the module instantiates so the cap becomes the real core count. The pool's workers are unref'd so
 * that Node can exit. Call before the backend starts.
 */
export async function useThreadedWasm(threads: number): Promise<number> {
  const pkg = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  const glue = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const dir = dirname(glue);
  const factory = require(glue) as Factory;
  const { wasmWorkerContents } = require(join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const workerFile = join(os.tmpdir(), `fedmetanas-tfjs-wasm-worker-${process.pid}.cjs`);
  writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n'));
  const realCpus = os.cpus;
  os.cpus = () => {
    const cpus = realCpus.call(os);
    return [...cpus, ...cpus];
  };
  let module: EmscriptenModule;
  try {
    module = await factory({
      locateFile: (path: string) =>
        path.endsWith('.worker.js')
          ? workerFile
          : join(dir, path.endsWith('.wasm') ? 'tfjs-backend-wasm-threaded-simd.wasm' : path),
      mainScriptUrlOrBlob: glue,
    });
  } catch (err) {
    throw new BackendUnavailableError(
      `Error in useThreadedWasm: the threaded SIMD build must instantiate, found: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    os.cpus = realCpus;
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  pkg.setThreadsCount(threads);
  if (tf.findBackendFactory('wasm') != null) tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new pkg.BackendWasm(module);
      // XNNPACK's pool threads live as long as the module; emscripten keeps their workers ref'd,
      // which would keep Node alive after the program ends.
      for (const worker of module.PThread.runningWorkers) worker.unref();
      return backend;
    },
    2,
  );
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return threads;
}

/** The XNNPACK thread count of the running wasm backend (1 for the single-threaded build). */
export async function wasmThreadCount(): Promise<number> {
  const pkg = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  return pkg.getThreadsCount();
}
