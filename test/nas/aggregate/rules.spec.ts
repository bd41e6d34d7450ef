import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  coordinateMedian,
  fedAvg,
  krum,
  normClipping,
  trimmedMean,
  type RuleClient,
} from '../../../src/nas/aggregate/index.js';

const client = (id: string, weight: number, vectors: Record<string, number[]>): RuleClient => ({
  id,
  weight,
  vectors: Object.fromEntries(Object.entries(vectors).map(([k, v]) => [k, Float32Array.from(v)])),
});

const arr = (a: Float32Array) => Array.from(a);

describe('aggregation rules', function () {
  describe('fedAvg', function () {
    it('is the sample-weighted mean on hand numbers', function () {
      const out = fedAvg().aggregate({
        clients: [client('a', 1, { x: [1, 2] }), client('b', 3, { x: [5, 6] })],
      });
      assert.deepEqual(arr(out.x), [4, 5]);
    });

    it('averages a name over the clients that hold it only', function () {
      const out = fedAvg().aggregate({
        clients: [
          client('a', 1, { s: [0], p: [2] }),
          client('b', 2, { s: [3] }),
          client('c', 3, { s: [1], p: [6] }),
        ],
      });
      assert.deepEqual(arr(out.s), [(0 * 1 + 3 * 2 + 1 * 3) / 6]);
      assert.deepEqual(arr(out.p), [(2 * 1 + 6 * 3) / 4]);
    });

    const clientsArb = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }))
      .chain(([n, len]) =>
        fc.array(
          fc.record({
            weight: fc.integer({ min: 1, max: 1000 }),
            values: fc.array(fc.float({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }), {
              minLength: len,
              maxLength: len,
            }),
          }),
          { minLength: n, maxLength: n },
        ),
      )
      .map((cs) => cs.map((c, i) => client(`c${i}`, c.weight, { x: c.values })));

    it('is invariant to client order (property)', function () {
      fc.assert(
        fc.property(
          clientsArb.chain((cs) =>
            fc.tuple(
              fc.constant(cs),
              fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length }),
            ),
          ),
          ([clients, shuffled]) => {
            const a = fedAvg().aggregate({ clients }).x;
            const b = fedAvg().aggregate({ clients: shuffled }).x;
            a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-3 * (1 + Math.abs(v))));
          },
        ),
        { numRuns: 100 },
      );
    });

    it('with equal weights is the plain mean, and a single client is the identity (property)', function () {
      fc.assert(
        fc.property(clientsArb, (clients) => {
          const equal = clients.map((c) => ({ ...c, weight: 7 }));
          const out = fedAvg().aggregate({ clients: equal }).x;
          out.forEach((v, i) => {
            const mean = equal.reduce((s, c) => s + c.vectors.x[i], 0) / equal.length;
            assert.ok(Math.abs(v - mean) <= 1e-3 * (1 + Math.abs(mean)));
          });
          assert.deepEqual(fedAvg().aggregate({ clients: [clients[0]] }).x, clients[0].vectors.x);
        }),
        { numRuns: 100 },
      );
    });

    it('rejects no clients, negative weights and zero total weight', function () {
      assert.throws(() => fedAvg().aggregate({ clients: [] }), { name: 'EmptyAggregationError' });
      assert.throws(() => fedAvg().aggregate({ clients: [client('a', -1, { x: [1] })] }), {
        name: 'AggregationError',
        message: /weight of client 'a' must be a finite number >= 0, found -1/,
      });
      assert.throws(() => fedAvg().aggregate({ clients: [client('a', 0, { x: [1] })] }), {
        name: 'EmptyAggregationError',
      });
    });
  });

  it('coordinate-wise median ignores outliers', function () {
    const clients = [
      [1, 10],
      [2, 20],
      [3, 30],
      [100, -500],
      [-50, 25],
    ].map((v, i) => client(`c${i}`, 1, { x: v }));
    assert.deepEqual(arr(coordinateMedian().aggregate({ clients }).x), [2, 20]);
    assert.deepEqual(arr(coordinateMedian().aggregate({ clients: clients.slice(0, 4) }).x), [2.5, 15]);
  });

  it('trimmed mean drops floor(beta n) values at each end', function () {
    const clients = [1, 2, 3, 4, 1000].map((v, i) => client(`c${i}`, 1, { x: [v] }));
    assert.deepEqual(arr(trimmedMean(0.2).aggregate({ clients }).x), [3]);
    assert.deepEqual(arr(trimmedMean(0).aggregate({ clients }).x), [202]);
    assert.throws(() => trimmedMean(0.5), {
      name: 'AggregationConfigError',
      message: /beta must be in \[0, 0.5\), found 0.5/,
    });
  });

  it('Krum picks a clean client and multi-Krum averages clean ones', function () {
    const clean = [
      [1, 1],
      [1.1, 0.9],
      [0.9, 1.05],
      [1.05, 1],
    ];
    const clients = [
      ...clean.map((v, i) => client(`clean${i}`, 1, { x: v })),
      client('byz', 100, { x: [50, -40] }),
    ];
    let picked: string[] = [];
    const one = krum({ f: 1, onSelect: (ids) => (picked = ids) }).aggregate({ clients });
    assert.equal(picked.length, 1);
    assert.match(picked[0], /^clean/);
    assert.ok(Math.abs(one.x[0] - 1) < 0.11);
    const multi = krum({ f: 1, m: 3, onSelect: (ids) => (picked = ids) }).aggregate({ clients });
    assert.equal(picked.length, 3);
    assert.ok(picked.every((id) => id.startsWith('clean')));
    assert.ok(Math.abs(multi.x[0] - 1) < 0.1 && Math.abs(multi.x[1] - 1) < 0.1);
    assert.throws(() => krum({ f: 2 }).aggregate({ clients }), {
      name: 'AggregationConfigError',
      message: /clients must number at least 2f \+ 3 = 7, found 5/,
    });
  });

  it('norm clipping bounds each update around the reference before the inner rule', function () {
    const reference = { x: Float32Array.of(1, 1) };
    const clients = [client('a', 1, { x: [1, 1.5] }), client('b', 1, { x: [7, 9] })];
    const out = normClipping(1, fedAvg()).aggregate({ clients, reference });
    assert.ok(Math.abs(out.x[0] - (1 + 0.6 / 2)) < 1e-6, `${out.x[0]}`);
    assert.ok(Math.abs(out.x[1] - (1 + (0.5 + 0.8) / 2)) < 1e-6, `${out.x[1]}`);
    assert.equal(normClipping(1, krum({ f: 0 })).name, 'normClip(1, krum(f=0, m=1, fedAvg))');
  });
});
