import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedBackend } from '../../src/tensor/backend.js';
import { Rng } from '../../src/util/rng.js';
import type { BenchCase, BenchSuite } from './registry.js';

/** One convolution shape of the search space. */
interface ConvShape {
  n: number;
  h: number;
  c: number;
  k: number;
  s: number;
  d: number;
  depthwise: boolean;
}

/** Regular convs (DARTS: 1x1 pointwise and factorized reduce, 3x3 stem) at batch 32. */
const CONV_SHAPES: Omit<ConvShape, 'depthwise' | 'n'>[] = [
  { h: 28, c: 16, k: 1, s: 1, d: 1 },
  { h: 28, c: 16, k: 1, s: 2, d: 1 },
  { h: 28, c: 16, k: 3, s: 1, d: 1 },
  { h: 28, c: 16, k: 3, s: 2, d: 1 },
  { h: 14, c: 32, k: 1, s: 1, d: 1 },
  { h: 14, c: 32, k: 3, s: 1, d: 1 },
  { h: 14, c: 32, k: 3, s: 1, d: 2 },
  { h: 14, c: 32, k: 5, s: 1, d: 1 },
  { h: 7, c: 32, k: 1, s: 1, d: 1 },
];

/** Depthwise convs of sep_conv / dil_conv, k 3/5, stride 1/2, dilation 1/2, at batch 32. */
const DEPTHWISE_SHAPES: Omit<ConvShape, 'depthwise' | 'n'>[] = [
  { h: 28, c: 16, k: 3, s: 1, d: 1 },
  { h: 28, c: 16, k: 3, s: 2, d: 1 },
  { h: 28, c: 16, k: 5, s: 1, d: 1 },
  { h: 28, c: 16, k: 3, s: 1, d: 2 },
  { h: 28, c: 16, k: 3, s: 2, d: 2 },
  { h: 28, c: 16, k: 5, s: 2, d: 2 },
  { h: 14, c: 32, k: 3, s: 1, d: 1 },
  { h: 14, c: 32, k: 5, s: 1, d: 2 },
  { h: 14, c: 32, k: 3, s: 2, d: 2 },
  { h: 7, c: 32, k: 3, s: 1, d: 1 },
  { h: 7, c: 32, k: 5, s: 1, d: 2 },
  { h: 28, c: 8, k: 3, s: 1, d: 1 },
];

const KERNEL_NAMES = {
  conv: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  depthwise: [
    'DepthwiseConv2dNative',
    'DepthwiseConv2dNativeBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
  ],
} as const;

/** `n32-h28-w28-c16-k3-s1-d1`. */
export function shapeLabel(s: ConvShape): string {
  return `n${s.n}-h${s.h}-w${s.h}-c${s.c}-k${s.k}-s${s.s}-d${s.d}`;
}

function normal(shape: number[], rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.normal()),
    shape,
  );
}

/** The kernel call of `kernelName` on `shape`, with inputs made once. */
function kernelCase(kernelName: string, s: ConvShape): BenchCase {
  const pad = 'same' as const;
  const attrs = { strides: s.s, dilations: s.d, pad, dataFormat: 'NHWC' };
  const forward = kernelName === 'Conv2D' || kernelName === 'DepthwiseConv2dNative';
  return {
    name: `kernel/${kernelName}/${shapeLabel(s)}`,
    shape: { n: s.n, h: s.h, w: s.h, c: s.c, k: s.k },
    attrs: { strides: s.s, dilations: s.d, pad },
    heavy: s.h >= 28 && !forward,
    supports: (backend: ResolvedBackend) =>
      // tfjs-backend-cpu's backprop kernels ignore dilations, and its depthwise forward refuses stride and dilation > 1.
      backend !== 'cpu' || s.d === 1,
    setup() {
      const rng = new Rng(`${kernelName}/${shapeLabel(s)}`);
      const x = normal([s.n, s.h, s.h, s.c], rng);
      const filterShape = [s.k, s.k, s.c, s.depthwise ? 1 : s.c];
      const filter = normal(filterShape, rng);
      const y = tf
        .engine()
        .runKernel(s.depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', { x, filter }, attrs) as tf.Tensor;
      const dy = normal(y.shape, rng);
      const flops = 2 * y.size * s.k * s.k * (s.depthwise ? 1 : s.c);
      y.dispose();
      const run = (): tf.Tensor => {
        if (forward) return tf.engine().runKernel(kernelName, { x, filter }, attrs) as tf.Tensor;
        if (kernelName.endsWith('Input')) {
          return tf
            .engine()
            .runKernel(kernelName, { dy, filter }, { ...attrs, inputShape: x.shape }) as tf.Tensor;
        }
        return tf.engine().runKernel(kernelName, { x, dy }, { ...attrs, filterShape }) as tf.Tensor;
      };
      return { run, flops, dispose: () => tf.dispose([x, filter, dy]) };
    },
  };
}

/** Forward and backward conv kernels on the search's shapes: `kernel/<KernelName>/<shape>`. */
export const kernelSuite: BenchSuite = {
  name: 'kernel',
  cases() {
    const out: BenchCase[] = [];
    for (const [list, depthwise] of [
      [CONV_SHAPES, false],
      [DEPTHWISE_SHAPES, true],
    ] as const) {
      for (const base of list) {
        const shape: ConvShape = { ...base, n: 32, depthwise };
        for (const kernel of KERNEL_NAMES[depthwise ? 'depthwise' : 'conv'])
          out.push(kernelCase(kernel, shape));
      }
    }
    return out;
  },
};
