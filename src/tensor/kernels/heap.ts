import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A float32 view (no copy) of a tensor's data in the wasm heap. Take views after the last
 * allocation of a kernel: a heap growth detaches earlier views.
 */
export function heapView(backend: KernelBackend, info: TensorInfo): Float32Array {
  return (backend as unknown as BackendWasm).typedArrayFromHeap(info) as Float32Array;
}

/** A new float32 tensor in the wasm heap; its contents are undefined until written. */
export function heapOutput(backend: KernelBackend, shape: number[]): TensorInfo {
  return (backend as unknown as BackendWasm).makeOutput(shape, 'float32');
}
