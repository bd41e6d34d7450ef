import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '../conv.js';

/**
 * Matrix product `a [M, K] x b [K, N]` whose gradients use explicit transposes and plain products
 * (tfjs-core's own gradient uses `transposeA` / `transposeB`). For `db = a^T dy` the smaller of `a` and
 * `dy` is transposed.
 */
export const matMulFastGrad: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        const da = tf.matMul(dy, tf.transpose(sb));
        const db =
          sa.shape[1] <= dy.shape[1]
            ? tf.matMul(tf.transpose(sa), dy)
            : tf.transpose(tf.matMul(tf.transpose(dy), sa));
        return [da, db];
      },
    };
  },
);

/**
 * 1x1 stride-1 convolution, `filter` `[1, 1, Cin, Cout]`. On the cpu backend it is one matrix product
 * (`[B*H*W, Cin] x [Cin, Cout]`; its gradients `matMulFastGrad` are 8x faster there than the conv
 * gradients); elsewhere a 1x1 convolution through the tensor ops (on wasm: XNNPACK forward and the
 * training kernels' filter gradient, 4x faster than a matrix-product weight gradient, which repacks an
 * `[B*H*W, C]` operand every call).
 */
export function pointwiseConv(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  if (tf.getBackend() !== 'cpu') return conv2d(x, filter, { strides: 1, pad: 0, dilations: 1 });
  const [b, h, w, c] = x.shape;
  const out = filter.shape[3];
  const y = matMulFastGrad(tf.reshape(x, [b * h * w, c]), tf.reshape(filter, [c, out]));
  return tf.reshape(y, [b, h, w, out]);
}

/**
 * 1x1 convolution of the channel-concatenation of `parts` without materialising the concatenation:
 * the sum over parts of `pointwiseConv(part_i, filter rows of part_i)`.
 */
export function pointwiseConvParts(parts: tf.Tensor4D[], filter: tf.Tensor4D): tf.Tensor4D {
  if (parts.length === 1) return pointwiseConv(parts[0], filter);
  const out = filter.shape[3];
  let offset = 0;
  const ys = parts.map((p) => {
    const c = p.shape[3];
    const rows = tf.slice(filter, [0, 0, offset, 0], [1, 1, c, out]);
    offset += c;
    return pointwiseConv(p, rows);
  });
  return tf.addN(ys);
}
