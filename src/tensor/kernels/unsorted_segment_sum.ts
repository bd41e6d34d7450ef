import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { inScope } from './kernel_scope.js';

const NAME = 'UnsortedSegmentSum';

/**
 * UnsortedSegmentSum for the wasm backend (the gradient of `gather`): a ScatterNd that adds rows
 * with equal ids. Rows whose id is negative or not below `numSegments` are dropped, as TensorFlow does.
 */
export function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const numSegments = args.attrs.numSegments as number;
  const idRank = segmentIds.shape.length;
  const rows = segmentIds.shape.reduce((p, v) => p * v, 1);
  const rowShape = x.shape.slice(idRank);
  const outShape = [numSegments, ...rowShape];
  return inScope(args.backend, 'wasm', (scope) => {
    const ids = scope.read(segmentIds);
    const kept: number[] = [];
    for (let i = 0; i < rows; i++) if (ids[i] >= 0 && ids[i] < numSegments) kept.push(i);
    const updates2d = scope.reshape(x, [rows, ...rowShape]);
    if (kept.length === 0) return scope.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
    let updates = updates2d;
    let indexValues = Int32Array.from(ids.subarray(0, rows));
    if (kept.length < rows) {
      const keep = scope.write(Int32Array.from(kept), [kept.length], 'int32');
      updates = scope.run('GatherV2', { x: updates2d, indices: keep }, { axis: 0, batchDims: 0 });
      indexValues = Int32Array.from(kept, (i) => ids[i]);
    }
    const indices = scope.write(indexValues, [indexValues.length, 1], 'int32');
    return scope.run('ScatterNd', { indices, updates }, { shape: outShape });
  });
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
