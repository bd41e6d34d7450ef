import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/tensor/backend.js';
import { depthwiseConv2d } from '../../src/tensor/ops/index.js';
import { normals, relativeError } from './conv_cases.js';

/** Values and gradients of a dilated, strided depthwise conv: the same in the child and here. */
const SCRIPT = (backendUrl: string, opsUrl: string, casesUrl: string): string => `
import * as tf from '@tensorflow/tfjs-core';
const { initBackend } = await import(${JSON.stringify(backendUrl)});
const { depthwiseConv2d } = await import(${JSON.stringify(opsUrl)});
const { normals } = await import(${JSON.stringify(casesUrl)});
const info = await initBackend('wasm', { threads: 2 });
const x = tf.tensor4d(normals(2 * 12 * 12 * 8, 1), [2, 12, 12, 8]);
const w = tf.tensor4d(normals(3 * 3 * 8, 2), [3, 3, 8, 1]);
const [dx, dw] = tf.grads((a, b) => tf.sum(tf.square(depthwiseConv2d(a, b, { strides: 2, dilations: 2 }))))([x, w]);
console.log(JSON.stringify({ wasm: info.wasm, dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()) }));
`;

describe('tensor/wasm_threads: the multi-threaded SIMD build in Node', function () {
  it('starts with 2 threads in a child process, matches the single-threaded build, and lets Node exit', async function () {
    const url = (p: string): string => new URL(p, import.meta.url).href;
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        SCRIPT(
          url('../../src/tensor/backend.js'),
          url('../../src/tensor/ops/index.js'),
          url('./conv_cases.js'),
        ),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.status, 0, `child failed or hung: ${child.stderr}`);
    const out = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
      wasm: { threads: boolean; threadCount: number };
      dx: number[];
      dw: number[];
    };
    assert.equal(out.wasm.threads, true);
    assert.equal(out.wasm.threadCount, Math.min(2, os.cpus().length));
    await initBackend('wasm');
    const [dx, dw] = tf.tidy(() => {
      const x = tf.tensor4d(normals(2 * 12 * 12 * 8, 1), [2, 12, 12, 8]);
      const w = tf.tensor4d(normals(3 * 3 * 8, 2), [3, 3, 8, 1]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, { strides: 2, dilations: 2 }))),
      )([x, w]);
    });
    assert.ok(relativeError(out.dx, dx.dataSync()) <= 1e-4);
    assert.ok(relativeError(out.dw, dw.dataSync()) <= 1e-4);
    tf.dispose([dx, dw]);
  });
});
