import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d_backprop_filter.js';
import { conv2dBackpropInputConfig } from './conv2d_backprop_input.js';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise_conv2d_backprop_filter.js';
import { depthwiseConv2dBackpropInputConfig } from './depthwise_conv2d_backprop_input.js';
import { maxPoolGradConfig } from './max_pool_grad.js';
import { unsortedSegmentSumConfig } from './unsorted_segment_sum.js';

/**
 * The kernels registered for wasm. Conv2DBackpropInput replaces tfjs-backend-wasm's own (a scalar
 * loop, and without dilations) and MaxPoolGrad its wrong one; the others are missing from
 * tfjs-backend-wasm 4.22.
 */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
  maxPoolGradConfig,
];

/**
 * Training kernels the wasm backend lacks, registered on top of tfjs-backend-wasm. Called by
 * `initBackend('wasm')` once the backend is ready; calling it again changes nothing.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing != null) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
