import * as tf from '@tensorflow/tfjs-core';
import { explicitPadding } from '../kernels/conv_geometry.js';
import type { ConvSpec } from './conv_args.js';

const KERNELS = {
  conv: { forward: 'Conv2D', input: 'Conv2DBackpropInput', filter: 'Conv2DBackpropFilter' },
  depthwise: {
    forward: 'DepthwiseConv2dNative',
    input: 'DepthwiseConv2dNativeBackpropInput',
    filter: 'DepthwiseConv2dNativeBackpropFilter',
  },
} as const;

/**
 * One forward kernel call with explicit padding, any stride and dilation, and a custom gradient
 * from the backprop kernels (which must honour `dilations`: the wasm training kernels do).
 */
export function directConv(
  kind: 'conv' | 'depthwise',
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  spec: ConvSpec,
): tf.Tensor4D {
  const names = KERNELS[kind];
  const { top, bottom, left, right } = spec.pads;
  const attrs = {
    strides: spec.strides,
    dilations: spec.dilations,
    pad: explicitPadding(top, bottom, left, right),
    dataFormat: 'NHWC',
  };
  const run = (name: string, inputs: tf.NamedTensorMap, extra: tf.NamedAttrMap = {}): tf.Tensor4D =>
    tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor4D;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, fs, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xs, fs]);
    return {
      value: run(names.forward, { x: xs, filter: fs }),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sx, sf] = saved;
        return [
          run(names.input, { dy, filter: sf }, { inputShape: sx.shape }),
          run(names.filter, { x: sx, dy }, { filterShape: sf.shape }),
        ];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}
