import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, depthwiseConv2d } from '../../src/tensor/ops/index.js';
import { expectNoLeak, forEachBackend } from '../utils/backends.js';
import { normals } from './conv_cases.js';

function step(x: tf.Tensor4D, dw: tf.Tensor4D, pw: tf.Tensor4D): void {
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.sum(
      conv2d(
        depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, { strides: 2, dilations: 2 }),
        c as tf.Tensor4D,
        {
          strides: 1,
          pad: 'valid',
        },
      ),
    ),
  )([x, dw, pw]);
  tf.dispose(grads);
}

forEachBackend('tensor: no leaks in conv ops and their gradients', (backend) => {
  it(`tensors and (on wasm) the wasm heap stay flat over repeated steps on ${backend}`, async function () {
    const x = tf.tensor4d(normals(2 * 9 * 9 * 3, 1), [2, 9, 9, 3]);
    const dw = tf.tensor4d(normals(3 * 3 * 3 * 2, 2), [3, 3, 3, 2]);
    const pw = tf.tensor4d(normals(6 * 4, 3), [1, 1, 6, 4]);
    step(x, dw, pw);
    const heap = (): number =>
      backend === 'wasm'
        ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length
        : 0;
    const heapBefore = heap();
    const bytesBefore = tf.memory().numBytes;
    const leaked = await expectNoLeak(() => {
      for (let i = 0; i < 30; i++) step(x, dw, pw);
    });
    assert.equal(leaked, 0);
    assert.equal(tf.memory().numBytes, bytesBefore);
    assert.equal(heap(), heapBefore);
    tf.dispose([x, dw, pw]);
  });
});
