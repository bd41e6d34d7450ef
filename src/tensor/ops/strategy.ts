import * as tf from '@tensorflow/tfjs-core';
import { WASM_TRAINING_KERNELS } from '../kernels/index.js';
import type { ConvStrategyChoice } from './conv_args.js';

/**
 * `direct` when the active backend is wasm with the training kernels registered (they accept any
 * stride and dilation); otherwise `decompose`, which needs only ops every backend has.
 */
export function resolveConvStrategy(choice: ConvStrategyChoice = 'auto'): 'direct' | 'decompose' {
  if (choice !== 'auto') return choice;
  if (tf.getBackend() !== 'wasm') return 'decompose';
  const ready = WASM_TRAINING_KERNELS.every(
    (k) => tf.getKernel(k.kernelName, 'wasm')?.kernelFunc === k.kernelFunc,
  );
  return ready ? 'direct' : 'decompose';
}
