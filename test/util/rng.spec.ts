import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Rng, hashString } from '../../src/util/rng.js';

describe('Rng', function () {
  it('repeats the same stream for the same seed and differs across seeds', function () {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 16 }, () => a.nextUint32());
    const sb = Array.from({ length: 16 }, () => b.nextUint32());
    const sc = Array.from({ length: 16 }, () => c.nextUint32());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, sc);
    assert.deepEqual(new Rng('peer-1').uniform(), new Rng('peer-1').uniform());
  });

  it('forks independent, reproducible streams', function () {
    const x = new Rng(7).fork('a').uniform();
    assert.equal(new Rng(7).fork('a').uniform(), x);
    assert.notEqual(new Rng(7).fork('b').uniform(), x);
  });

  it('uniform, normal and gamma have the right moments', function () {
    const rng = new Rng(1);
    const n = 20000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let sg = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      assert.ok(u >= 0 && u < 1);
      su += u;
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
      sg += rng.gamma(0.3);
    }
    assert.ok(Math.abs(su / n - 0.5) < 0.01);
    assert.ok(Math.abs(sn / n) < 0.03);
    assert.ok(Math.abs(sn2 / n - 1) < 0.05);
    assert.ok(Math.abs(sg / n - 0.3) < 0.02, `gamma(0.3) mean ${sg / n}`);
  });

  it('dirichlet draws are distributions; int and shuffle stay in range', function () {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        (seed, alpha) => {
          const rng = new Rng(seed);
          const p = rng.dirichlet(alpha, 8);
          assert.equal(p.length, 8);
          assert.ok(Math.abs(p.reduce((s, x) => s + x, 0) - 1) < 1e-9);
          assert.ok(p.every((x) => x >= 0));
          const k = rng.int(5);
          assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
          const s = rng.shuffle([0, 1, 2, 3, 4, 5]);
          assert.deepEqual([...s].sort(), [0, 1, 2, 3, 4, 5]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a non-positive gamma shape with a clear message', function () {
    assert.throws(() => new Rng(1).gamma(0), /Error in Rng.gamma: shape must be > 0, found 0/);
  });

  it('hashString is FNV-1a', function () {
    assert.equal(hashString(''), 0x811c9dc5);
    assert.equal(hashString('a'), 0xe40c292c);
  });
});
