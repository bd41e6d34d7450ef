import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import {
  decodeModelState,
  encodeModelState,
  extractModelState,
  loadModelState,
  specOfModel,
} from '../../../src/nas/state/index.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { forEachBackend, TEST_BACKENDS } from '../../utils/backends.js';
import { readVars, tinyModel } from '../../utils/nas-fixtures.js';

const PRUNED = ['cells.0.edges.1.dense_tanh.kernel', 'cells.0.edges.1.dense_tanh.bias'];

forEachBackend('extractModelState / loadModelState', () => {
  it('extracts every tensor but the weights of pruned candidates, and loads them back exactly', function () {
    const src = tinyModel(1);
    src.masks.set('normal.edges.1', new Float32Array([1, 1, 0, 1]));
    const state = extractModelState(src, { round: 3, configHash: 'h', meta: { tau: 2 } });
    for (const name of PRUNED) assert.equal(state.weights[name], undefined);
    assert.equal(Object.keys(state.weights).length, src.weights.size - 2);
    assert.equal(Object.keys(state.alphas).length, 3);
    assert.deepEqual(Object.keys(state.buffers), ['stem.running_mean']);
    assert.equal(state.round, 3);

    const dst = tinyModel(2);
    const stale = readVars(dst.weights);
    const tensors = tf.memory().numTensors;
    loadModelState(dst, decodeModelState(encodeModelState(state)), { configHash: 'h' });
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(dst.masks, src.masks);
    const got = readVars(dst.weights);
    for (const [name, v] of readVars(src.weights)) {
      assert.deepEqual(got.get(name), PRUNED.includes(name) ? stale.get(name) : v, name);
    }
    assert.deepEqual(readVars(dst.alphas), readVars(src.alphas));
    src.dispose();
    dst.dispose();
  });

  it('names every mismatch and leaves the model untouched', function () {
    const model = tinyModel(1);
    const good = extractModelState(tinyModel(2), { round: 0, configHash: 'h' });
    const before = [readVars(model.weights), readVars(model.alphas), new Map(model.masks)];
    const check = (state: typeof good, name: string, message: RegExp, configHash?: string) => {
      assert.throws(() => loadModelState(model, state, { configHash }), { name, message });
      assert.deepEqual([readVars(model.weights), readVars(model.alphas), new Map(model.masks)], before);
    };
    check(
      good,
      'ConfigHashMismatchError',
      /Error in loadModelState: state.configHash must be 'other', found 'h'/,
      'other',
    );
    const missing = structuredClone(good);
    delete missing.weights['head.kernel'];
    check(
      missing,
      'TensorNameMismatchError',
      /state.weights must have the model's names \(\d+\), found missing 'head.kernel'/,
    );
    const unknown = structuredClone(good);
    unknown.alphas['reduce.edges.0'] = { shape: [4], data: new Float32Array(4) };
    check(unknown, 'TensorNameMismatchError', /found unknown 'reduce.edges.0'/);
    const shape = structuredClone(good);
    shape.weights['head.bias'] = { shape: [4], data: new Float32Array(4) };
    check(shape, 'TensorShapeMismatchError', /weights\['head.bias'\] must have shape \[3\], found \[4\]/);
    const mask = structuredClone(good);
    mask.masks['normal.nodes.0'] = Float32Array.of(1, 1, 1);
    check(mask, 'TensorShapeMismatchError', /masks\['normal.nodes.0'\] must have length 2, found 3/);
    const notPruned = structuredClone(good);
    delete notPruned.weights[PRUNED[0]];
    check(notPruned, 'TensorNameMismatchError', /missing 'cells.0.edges.1.dense_tanh.kernel'/);
    model.dispose();
  });

  it('specOfModel lists every tensor shape', function () {
    const model = tinyModel();
    const spec = specOfModel(model);
    assert.deepEqual(spec.weights['head.kernel'], [8, 3]);
    assert.deepEqual(spec.alphas['normal.nodes.0'], [2]);
    model.dispose();
  });
});

describe('model state across backends', function () {
  it('encodes to the same bytes on every backend and loads anywhere', async function () {
    const encoded: Uint8Array[] = [];
    for (const backend of TEST_BACKENDS) {
      await initBackend(backend);
      const m = tinyModel(4);
      encoded.push(encodeModelState(extractModelState(m, { round: 1, configHash: 'x' })));
      m.dispose();
    }
    for (const e of encoded) assert.deepEqual(e, encoded[0]);
    for (const backend of TEST_BACKENDS) {
      await initBackend(backend);
      const m = tinyModel(9);
      loadModelState(m, decodeModelState(encoded[0]));
      assert.deepEqual(encodeModelState(extractModelState(m, { round: 1, configHash: 'x' })), encoded[0]);
      m.dispose();
    }
  });
});
