import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import {
  initBackend,
  installedVersion,
  parseBackendChoice,
  resolveAuto,
  currentBackend,
} from '../../src/tensor/backend.js';

describe('tensor backend layer', function () {
  it('auto resolves by the documented order on this machine', function () {
    const expected = installedVersion('@tensorflow/tfjs-node')
      ? 'tensorflow'
      : installedVersion('@tensorflow/tfjs-backend-wasm')
        ? 'wasm'
        : 'cpu';
    const auto = resolveAuto();
    if (auto !== 'tensorflow-gpu') assert.equal(auto, expected);
  });

  it('starts wasm and records backend, versions and SIMD', async function () {
    const info = await initBackend('wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.name, 'wasm');
    assert.equal(info.requested, 'wasm');
    assert.match(info.versions['@tensorflow/tfjs-core'] ?? '', /^\d+\.\d+\.\d+/);
    assert.match(info.versions['@tensorflow/tfjs-backend-wasm'] ?? '', /^\d+\.\d+\.\d+/);
    assert.equal(typeof info.wasm?.simd, 'boolean');
    assert.deepEqual(currentBackend(), info);
  });

  it('starts cpu and computes on it', async function () {
    const info = await initBackend('cpu');
    assert.equal(info.tfBackend, 'cpu');
    const y = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3.5])));
    assert.equal((await y.data())[0], 6.5);
    y.dispose();
  });

  it('a named backend that is not installed fails with the install command, no fallback', async function () {
    for (const name of ['tensorflow', 'tensorflow-gpu'] as const) {
      const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      if (installedVersion(pkg)) continue;
      const before = tf.getBackend();
      await assert.rejects(initBackend(name), (err: Error) => {
        assert.equal(err.name, 'BackendUnavailableError');
        assert.ok(err.message.includes(`npm install ${pkg}`), err.message);
        return true;
      });
      assert.equal(tf.getBackend(), before);
    }
  });

  it('rejects unknown backend names', function () {
    assert.throws(
      () => parseBackendChoice('gpu'),
      (err: Error) =>
        err.name === 'UnknownBackendError' &&
        err.message.includes('auto, tensorflow-gpu, tensorflow, wasm, cpu'),
    );
    assert.equal(parseBackendChoice('cpu'), 'cpu');
  });
});
