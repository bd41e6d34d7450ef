import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  crc32,
  decodeModelState,
  encodeModelState,
  hashConfig,
  loadModelStateFile,
  MODEL_STATE_FORMAT_VERSION,
  saveModelStateFile,
  type ModelState,
} from '../../../src/nas/state/index.js';

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

function sampleState(): ModelState {
  const special = new Float32Array(
    new Uint32Array([0x7fc00001, 0xffa00000, 0x80000000, 0x7f800000, 0x00000001, 0x3f800000]).buffer,
  );
  return {
    weights: {
      'cells.0.edges.1.sep_conv_3x3.dw1': { shape: [2, 3], data: special },
      'head.bias': { shape: [3], data: Float32Array.of(0.1, -2.5, 3e-38) },
      empty: { shape: [0, 4], data: new Float32Array(0) },
    },
    alphas: { 'normal.edges.0': { shape: [4], data: Float32Array.of(1e-3, -1, 2, Math.PI) } },
    buffers: { 'stem.bn.mean': { shape: [1], data: Float32Array.of(7) } },
    masks: { 'normal.edges.0': Float32Array.of(1, 0, 1, 1) },
    round: 12,
    configHash: 'abc123',
    meta: { tau: 4.5, method: 'fedmetanas', notes: [1, null, 'x'] },
  };
}

/** Re-stamp the CRC after editing bytes, to reach the checks behind it. */
function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

describe('model state codec', function () {
  it('round-trips bit-exactly, NaN payloads, -0, infinities and subnormals included', function () {
    const state = sampleState();
    const back = decodeModelState(encodeModelState(state));
    assert.deepEqual(Object.keys(back.weights), Object.keys(state.weights));
    for (const [name, t] of Object.entries(state.weights)) {
      assert.deepEqual(back.weights[name].shape, t.shape);
      assert.deepEqual(bits(back.weights[name].data), bits(t.data), name);
    }
    assert.deepEqual(back.alphas, state.alphas);
    assert.deepEqual(back.buffers, state.buffers);
    assert.deepEqual(back.masks, state.masks);
    assert.equal(back.round, 12);
    assert.equal(back.configHash, 'abc123');
    assert.deepEqual(back.meta, state.meta);
  });

  it('round-trips arbitrary float bit patterns (property)', function () {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 40 }),
        fc.nat(1000),
        (words, round) => {
          const data = new Float32Array(Uint32Array.from(words).buffer);
          const state: ModelState = {
            weights: { w: { shape: [data.length], data } },
            alphas: {},
            buffers: {},
            masks: {},
            round,
            configHash: '',
          };
          const back = decodeModelState(encodeModelState(state));
          assert.deepEqual(bits(back.weights.w.data), Uint32Array.from(words));
          assert.equal(back.round, round);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('starts with FMNS and the format version, ends with the CRC-32 of the rest', function () {
    const bytes = encodeModelState(sampleState());
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'FMNS');
    const view = new DataView(bytes.buffer);
    assert.equal(view.getUint16(4, true), MODEL_STATE_FORMAT_VERSION);
    assert.equal(view.getUint32(bytes.length - 4, true), crc32(bytes.subarray(0, bytes.length - 4)));
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  it('names each corruption', function () {
    const good = encodeModelState(sampleState());
    const cases: [string, Uint8Array, string, RegExp][] = [
      ['too short', good.slice(0, 10), 'ModelStateTruncatedError', /must be at least 20 bytes, found 10/],
      [
        'truncated',
        good.slice(0, good.length - 9),
        'ModelStateTruncatedError',
        /as its prefix declares, found/,
      ],
      [
        'bad magic',
        Uint8Array.from(good, (b, i) => (i === 0 ? 0x47 : b)),
        'ModelStateMagicError',
        /magic 46 4d 4e 53 \('FMNS'\), found 47 4d 4e 53/,
      ],
      [
        'wrong version',
        Uint8Array.from(good, (b, i) => (i === 4 ? 9 : b)),
        'ModelStateVersionError',
        /format version must be 1, found 9/,
      ],
      [
        'flipped bit',
        Uint8Array.from(good, (b, i) => (i === good.length - 20 ? b ^ 1 : b)),
        'ModelStateChecksumError',
        /CRC-32 must be 0x[0-9a-f]{8} as stored, found 0x/,
      ],
      ['trailing bytes', Uint8Array.from([...good, 0]), 'ModelStateCorruptError', /trailing bytes/],
    ];
    for (const [what, bytes, name, message] of cases) {
      assert.throws(() => decodeModelState(bytes), { name, message }, what);
    }
  });

  it('rejects a well-sealed but malformed header or table', function () {
    const good = encodeModelState(sampleState());
    const headerStart = 16;
    const broken = reseal(Uint8Array.from(good, (b, i) => (i === headerStart ? 0x5b : b)));
    assert.throws(() => decodeModelState(broken), {
      name: 'ModelStateCorruptError',
      message: /header must be/,
    });
    const text = new TextDecoder().decode(
      good.subarray(16, 16 + new DataView(good.buffer).getUint32(8, true)),
    );
    const moved = text.replace('"offset":0', '"offset":4');
    assert.notEqual(moved, text);
    const edited = Uint8Array.from(good);
    edited.set(new TextEncoder().encode(moved), 16);
    assert.throws(() => decodeModelState(reseal(edited)), {
      name: 'ModelStateCorruptError',
      message: /must lie at payload offset 0/,
    });
  });

  it('rejects masks that are not 0/1 on encode', function () {
    const state = sampleState();
    state.masks['normal.edges.0'] = Float32Array.of(1, 0.5, 1, 1);
    assert.throws(() => encodeModelState(state), {
      name: 'ModelStateCorruptError',
      message: /Error in encodeModelState: masks\['normal.edges.0'\]\[1\] must be 0 or 1, found 0.5/,
    });
  });

  it('saves and loads files, naming the file in errors', async function () {
    const dir = await mkdtemp(join(tmpdir(), 'fmns-state-'));
    try {
      const path = join(dir, 'global.fmns');
      const state = sampleState();
      const n = await saveModelStateFile(path, state);
      assert.equal(n, encodeModelState(state).length);
      const back = await loadModelStateFile(path);
      assert.deepEqual(back.alphas, state.alphas);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path, Uint8Array.of(1, 2, 3));
      await assert.rejects(loadModelStateFile(path), {
        name: 'ModelStateTruncatedError',
        message: new RegExp(`Error in loadModelStateFile\\(${path.replace(/[/.]/g, '\\$&')}\\)`),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hashConfig ignores key order', function () {
    assert.equal(
      hashConfig({ a: 1, b: { c: [1, 2], d: 'x' } }),
      hashConfig({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    assert.notEqual(hashConfig({ a: 1 }), hashConfig({ a: 2 }));
    assert.match(hashConfig({}), /^[0-9a-f]{64}$/);
  });
});
