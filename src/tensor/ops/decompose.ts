import * as tf from '@tensorflow/tfjs-core';
import type { ConvSpec } from './conv_args.js';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `t[:, ::a, ::b, :]` with a gradient: a space-to-batch whose first batch block is the (0, 0) phase. */
function everyNth(t: tf.Tensor4D, a: number, b: number): tf.Tensor4D {
  if (a === 1 && b === 1) return t;
  const [n, h, w, c] = t.shape;
  const padH = (a - (h % a)) % a;
  const padW = (b - (w % b)) % b;
  const blocks = tf.spaceToBatchND(
    t,
    [a, b],
    [
      [0, padH],
      [0, padW],
    ],
  ) as tf.Tensor4D;
  return tf.slice(blocks, [0, 0, 0, 0], [n, (h + padH) / a, (w + padW) / b, c]);
}

/** A VALID, stride-1 convolution with dilation `d`, as TensorFlow's atrous convolution does it. */
function atrous(
  conv: (x: tf.Tensor4D, s: [number, number]) => tf.Tensor4D,
  x: tf.Tensor4D,
  d: [number, number],
): tf.Tensor4D {
  if (d[0] === 1 && d[1] === 1) return conv(x, [1, 1]);
  const [, h, w] = x.shape;
  const padH = (d[0] - (h % d[0])) % d[0];
  const padW = (d[1] - (w % d[1])) % d[1];
  const blocks = tf.spaceToBatchND(x, d, [
    [0, padH],
    [0, padW],
  ]) as tf.Tensor4D;
  const y = conv(blocks, [1, 1]);
  return tf.batchToSpaceND(y, d, [
    [0, padH],
    [0, padW],
  ]) as tf.Tensor4D;
}

/**
 * The convolution from tf ops that every backend has, with their registered gradients: explicit
 * zero padding; a subsample by `g = gcd(stride, dilation)` (the filter reads only those pixels),
 * leaving stride `s/g` and dilation `d/g`; then a strided dilation-1 conv, or a space-to-batch
 * atrous conv, followed when both are still > 1 (coprime) by taking every `s/g`-th output.
 */
export function decomposedConv(
  kind: 'conv' | 'depthwise',
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  spec: ConvSpec,
): tf.Tensor4D {
  return tf.tidy(() => {
    const { top, bottom, left, right } = spec.pads;
    let xp = x;
    if (top + bottom + left + right > 0) {
      xp = tf.pad(x, [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ]);
    }
    const [sh, sw] = spec.strides;
    const [dh, dw] = spec.dilations;
    const gh = gcd(sh, dh);
    const gw = gcd(sw, dw);
    xp = everyNth(xp, gh, gw);
    const s: [number, number] = [sh / gh, sw / gw];
    const d: [number, number] = [dh / gh, dw / gw];
    const conv = (t: tf.Tensor4D, strides: [number, number]): tf.Tensor4D =>
      kind === 'conv'
        ? tf.conv2d(t, filter, strides, 'valid')
        : tf.depthwiseConv2d(t, filter, strides, 'valid');
    if (d[0] === 1 && d[1] === 1) return conv(xp, s);
    return everyNth(atrous(conv, xp, d), s[0], s[1]);
  });
}
