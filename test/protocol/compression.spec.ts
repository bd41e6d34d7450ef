import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compressTopK,
  compressUpdate,
  decodeFp16,
  decodeTensors,
  densify,
  encodeFp16,
  encodeSparseTensors,
  encodeTensors,
  FP16_MAX,
  measureEncodings,
  quantizeInt8,
  topK,
} from '../../src/protocol/compression/index.js';
import { randomTensor } from './fixtures.js';

describe('protocol/compression', () => {
  describe('fp16', () => {
    it('keeps relative error below 1e-3 over the normal range', () => {
      const x = new Float32Array(20_000);
      for (let i = 0; i < x.length; i++) x[i] = (i % 2 ? -1 : 1) * Math.exp(-9 + (i / x.length) * 20); // 1.2e-4 .. 2.6e4
      const y = decodeFp16(encodeFp16(x));
      for (let i = 0; i < x.length; i++)
        assert.ok(Math.abs(y[i] - x[i]) <= 1e-3 * Math.abs(x[i]), `at ${x[i]}`);
    });

    it('is exact on halves, rounds ties to even, keeps subnormals and signed zero', () => {
      const y = decodeFp16(
        encodeFp16(new Float32Array([1, -2.5, 65504, 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, -0])),
      );
      assert.deepEqual([...y], [1, -2.5, 65504, 2 ** -24, 1, 1 + 2 ** -9, -0]);
      assert.ok(Object.is(y[6], -0));
    });

    it('refuses values beyond the half range and non-finite values', () => {
      assert.throws(() => encodeFp16(new Float32Array([FP16_MAX * 1.01])), { name: 'CompressionError' });
      assert.throws(() => encodeFp16(new Float32Array([NaN])), /finite/);
    });
  });

  describe('int8', () => {
    it('comes back within scale / 2 (property)', () => {
      fc.assert(
        fc.property(
          fc.float32Array({ noNaN: true, noDefaultInfinity: true, minLength: 1, maxLength: 200 }),
          (arr) => {
            const x = arr.map((v) => Math.max(-1e30, Math.min(1e30, v)));
            const t = quantizeInt8(x);
            const y = decodeTensors(encodeTensors({ w: x }, 'int8')).tensors.w;
            for (let i = 0; i < x.length; i++) {
              assert.ok(
                Math.abs(y[i] - x[i]) <= t.scale / 2 + 1e-6 * Math.abs(x[i]) + 1e-30,
                `${x[i]} -> ${y[i]}`,
              );
            }
          },
        ),
        { numRuns: 200 },
      );
    });

    it('handles an all-zero tensor', () => {
      assert.deepEqual(
        [...decodeTensors(encodeTensors({ z: new Float32Array(4) }, 'int8')).tensors.z],
        [0, 0, 0, 0],
      );
    });
  });

  describe('top-k with error feedback', () => {
    it('keeps the k largest magnitudes, indices ascending, ties by index', () => {
      const s = topK(new Float32Array([0.1, -5, 3, 0, -3, 2]), 3);
      assert.deepEqual([...s.indices], [1, 2, 4]);
      assert.deepEqual([...s.values], [-5, 3, -3]);
      assert.deepEqual([...topK(new Float32Array([1, 1, 1, 1]), 2).indices], [0, 1]);
      assert.deepEqual([...densify(s)], [0, -5, 3, 0, -3, 0]);
    });

    it('conserves the sum: sent over rounds + final residual = sum of deltas', () => {
      const n = 5000;
      const total = new Float64Array(n);
      const sent = new Float64Array(n);
      let residual: Record<string, Float32Array> | undefined;
      for (let round = 0; round < 10; round++) {
        const delta = randomTensor(n, `delta-${round}`, 0.01);
        delta.forEach((v, i) => (total[i] += v));
        const out = compressTopK({ w: delta }, residual, 0.05);
        residual = out.residual;
        const dense = decodeTensors(encodeSparseTensors(out.sparse)).tensors.w;
        dense.forEach((v, i) => (sent[i] += v));
        assert.equal(out.sparse.w.indices.length, 250);
      }
      for (let i = 0; i < n; i++) assert.ok(Math.abs(sent[i] + residual!.w[i] - total[i]) < 1e-5);
    });

    it('error feedback: an entry too small for one round is sent once it accumulates', () => {
      const delta = { w: new Float32Array([1, 0.4]) };
      const r1 = compressTopK(delta, undefined, 0.5);
      assert.deepEqual([...r1.sparse.w.indices], [0]);
      const r2 = compressTopK({ w: new Float32Array([0.1, 0.4]) }, r1.residual, 0.5);
      assert.deepEqual([...r2.sparse.w.indices], [1]);
      assert.ok(Math.abs(r2.sparse.w.values[0] - 0.8) < 1e-6);
    });
  });

  describe('container', () => {
    const tensors = {
      'cells.0.w': randomTensor(1000, 1),
      'head.b': randomTensor(10, 2),
      empty: new Float32Array(0),
    };

    it('round-trips fp32 exactly and reports sizes', () => {
      const back = decodeTensors(encodeTensors(tensors, 'fp32'));
      assert.equal(back.encoding, 'fp32');
      assert.deepEqual(Object.keys(back.tensors), Object.keys(tensors));
      assert.deepEqual([...back.tensors['cells.0.w']], [...tensors['cells.0.w']]);
      const sizes = measureEncodings(tensors, 0.01);
      assert.ok(
        sizes.fp16 < sizes.fp32 * 0.51 && sizes.int8 < sizes.fp32 * 0.27 && sizes.topk < sizes.fp32 * 0.05,
        JSON.stringify(sizes),
      );
    });

    it('compressUpdate returns the residual for top-k only', () => {
      assert.equal(compressUpdate(tensors, { encoding: 'fp16' }).residual, undefined);
      const t = compressUpdate(tensors, { encoding: 'topk', ratio: 0.1 });
      assert.equal(decodeTensors(t.bytes).encoding, 'topk');
      assert.equal(t.residual?.['head.b'].length, 10);
    });

    it('rejects malformed and oversized containers with named errors', () => {
      const good = encodeTensors(tensors, 'fp16');
      assert.throws(() => decodeTensors(good.subarray(0, good.length - 1)), {
        name: 'MalformedMessageError',
      });
      assert.throws(() => decodeTensors(Uint8Array.of(...good, 0)), /extra bytes/);
      const badMagic = good.slice();
      badMagic[0] = 0;
      assert.throws(() => decodeTensors(badMagic), /magic/);
      const badEnc = good.slice();
      badEnc[5] = 9;
      assert.throws(() => decodeTensors(badEnc), /encoding/);
      assert.throws(() => decodeTensors(good, { maxBytes: 100 }), { name: 'MessageTooLargeError' });
      const sparse = encodeSparseTensors({
        w: { length: 4, indices: Uint32Array.of(2, 1), values: Float32Array.of(1, 1) },
      });
      assert.throws(() => decodeTensors(sparse), /increase strictly/);
    });

    it('never throws anything but named errors on random bytes (property)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          const b = bytes.slice();
          b.set([0x46, 0x4d, 0x54, 0x5a, 1].slice(0, b.length));
          try {
            decodeTensors(b);
          } catch (err) {
            assert.ok(
              ['MalformedMessageError', 'MessageTooLargeError'].includes((err as Error).name),
              String(err),
            );
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
