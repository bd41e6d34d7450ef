import * as tf from '@tensorflow/tfjs-core';

/** `1 / count` of in-image pixels under each 3x3 window (pad 1) of a `size`-long axis at `stride`. */
function inverseCounts(size: number, stride: number): Float32Array {
  const out = Math.floor((size + 2 - 3) / stride) + 1;
  return Float32Array.from({ length: out }, (_, i) => {
    const lo = Math.max(i * stride - 1, 0);
    const hi = Math.min(i * stride + 1, size - 1);
    return hi - lo + 1;
  });
}

/**
 * 3x3 average pooling, padding 1, padding excluded from the count (PyTorch `count_include_pad=False`),
 * with a custom gradient: `dx = depthwise-transposed-conv(dy / count, ones)`, one broadcast multiply and
 * one depthwise backprop-input kernel, several times faster on wasm than the built-in AvgPoolGrad.
 */
export function avgPool3x3(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as tf.Tensor4D;
    const [, h, w, c] = xs.shape;
    return {
      value: tf.avgPool(xs, 3, stride, 1),
      gradFunc: (dy: tf.Tensor4D) => {
        const rows = inverseCounts(h, stride);
        const cols = inverseCounts(w, stride);
        const inv = new Float32Array(rows.length * cols.length);
        rows.forEach((r, i) => cols.forEach((q, j) => (inv[i * cols.length + j] = 1 / (r * q))));
        const scaled = tf.mul(dy, tf.tensor4d(inv, [1, rows.length, cols.length, 1]));
        return tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy: scaled, filter: tf.ones([3, 3, c, 1]) },
            { strides: stride, pad: 1, dilations: 1, inputShape: xs.shape },
          ) as tf.Tensor4D;
      },
    };
  });
  return f(x) as tf.Tensor4D;
}
