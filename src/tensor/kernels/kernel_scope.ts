import * as tf from '@tensorflow/tfjs-core';
import type {
  DataType,
  KernelBackend,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { MissingKernelError } from '../errors.js';
import { heapOutput, heapView } from './heap.js';

/**
 * Runs other kernels of one backend from inside a kernel function and frees every intermediate it
 * made: the composed kernels in this folder are built from the backend's own (XNNPACK) kernels.
 */
export class KernelScope {
  private readonly owned = new Set<TensorInfo>();

  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /** Run the kernel `kernelName` of this scope's backend; its output is freed by `dispose`. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (kernel == null) {
      throw new MissingKernelError(
        `Error in KernelScope.run: kernel '${kernelName}' must be registered for backend '${this.backendName}', found none.`,
      );
    }
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    const info = Array.isArray(out) ? out[0] : out;
    this.owned.add(info);
    return info;
  }

  /** A view of `x` with another shape (no copy, like the Reshape kernel). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    this.backend.incRef(x.dataId);
    const info: TensorInfo = { dataId: x.dataId, shape, dtype: x.dtype };
    this.owned.add(info);
    return info;
  }

  /** A new tensor holding `values`. */
  write(values: Float32Array | Int32Array, shape: number[], dtype: DataType): TensorInfo {
    const dataId = this.backend.write(values, shape, dtype);
    const info: TensorInfo = { dataId, shape, dtype };
    this.owned.add(info);
    return info;
  }

  /** A new float32 tensor in the wasm heap (contents undefined until written through `view`). */
  output(shape: number[]): TensorInfo {
    const info = heapOutput(this.backend, shape);
    this.owned.add(info);
    return info;
  }

  /** A float32 view (no copy) of `x` in the wasm heap: take it after the last allocation. */
  view(x: TensorInfo): Float32Array {
    return heapView(this.backend, x);
  }

  /** The values of `x`, copied out of the backend (use for small tensors only: filters, indices). */
  read(x: TensorInfo): Float32Array | Int32Array {
    return this.backend.readSync(x.dataId) as Float32Array | Int32Array;
  }

  /** Hand `x` to the caller: it is not freed by `dispose`. Inputs of the kernel are copied first. */
  keep(x: TensorInfo): TensorInfo {
    if (!this.owned.delete(x)) return this.keep(this.run('Identity', { x }));
    return x;
  }

  /** Free intermediates early (to bound peak memory in loops). Inputs and views of them are safe to pass. */
  free(...infos: TensorInfo[]): void {
    for (const info of infos) {
      if (this.owned.delete(info)) this.backend.disposeData(info.dataId);
    }
  }

  /** Free every intermediate this scope made and did not hand out. */
  dispose(): void {
    for (const info of this.owned) this.backend.disposeData(info.dataId);
    this.owned.clear();
  }
}

/** Run `body` with a fresh scope on `backend`, keep what it returns and free the rest, even on error. */
export function inScope(
  backend: KernelBackend,
  backendName: string,
  body: (scope: KernelScope) => TensorInfo,
): TensorInfo {
  const scope = new KernelScope(backend, backendName);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
