import { backend_util } from '@tensorflow/tfjs-core';
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { inScope } from './kernel_scope.js';

const NAME = 'MaxPoolGrad';

/**
 * MaxPoolGrad for the wasm backend, replacing tfjs-backend-wasm 4.22's, which routes gradients to
 * wrong positions when windows overlap and there is more than one channel (found by comparing
 * with the cpu backend and a naive reference). Each window sends its `dy` to its first maximum in
 * row-major order, as the cpu backend does; one pass over heap views.
 */
export function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { dy, input } = args.inputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  return inScope(args.backend, 'wasm', (scope) => {
    const dx = scope.output([...input.shape]);
    const out = scope.view(dx);
    const x = scope.view(input);
    const g = scope.view(dy);
    out.fill(0);
    const best = new Float32Array(c);
    const where = new Int32Array(c);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const r0 = i * info.strideHeight - info.padInfo.top;
        for (let j = 0; j < ow; j++) {
          const q0 = j * info.strideWidth - info.padInfo.left;
          best.fill(-Infinity);
          where.fill(-1);
          for (let a = 0; a < info.filterHeight; a++) {
            const r = r0 + a;
            if (r < 0 || r >= h) continue;
            for (let e = 0; e < info.filterWidth; e++) {
              const q = q0 + e;
              if (q < 0 || q >= w) continue;
              const base = ((b * h + r) * w + q) * c;
              for (let k = 0; k < c; k++) {
                const v = x[base + k];
                if (v > best[k] || where[k] < 0) {
                  best[k] = v;
                  where[k] = base + k;
                }
              }
            }
          }
          const o = ((b * oh + i) * ow + j) * c;
          for (let k = 0; k < c; k++) if (where[k] >= 0) out[where[k]] += g[o + k];
        }
      }
    }
    return dx;
  });
}

/** Kernel config registered by `registerWasmTrainingKernels` in place of tfjs-backend-wasm's own. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
