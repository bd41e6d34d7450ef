import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { annealedTau, exponentialTau, linearTau } from '../../src/nas/anneal.js';

describe('nas/anneal', function () {
  it('goes from tau_max to tau_min (GDAS defaults 10 -> 0.1)', function () {
    assert.equal(linearTau(0, 100), 10);
    assert.ok(Math.abs(linearTau(99, 100) - 0.1) < 1e-12);
    assert.ok(Math.abs(linearTau(500, 100) - 0.1) < 1e-12);
    assert.ok(Math.abs(linearTau(49.5, 100) - 5.05) < 1e-12);
    assert.equal(exponentialTau(0, 11), 10);
    assert.ok(Math.abs(exponentialTau(5, 11) - 1) < 1e-12);
    assert.ok(Math.abs(exponentialTau(10, 11) - 0.1) < 1e-12);
    assert.equal(annealedTau({ kind: 'linear', steps: 1 }, 0), 10);
    assert.equal(annealedTau({ kind: 'exponential', steps: 3, tauMax: 4, tauMin: 1 }, 1), 2);
  });

  it('is monotone non-increasing and stays in [tau_min, tau_max]', function () {
    fc.assert(
      fc.property(
        fc.constantFrom<'linear' | 'exponential'>('linear', 'exponential'),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.nat(600),
        fc.nat(600),
        (kind, steps, tauMin, extra, a, b) => {
          const s = { kind, steps, tauMin, tauMax: tauMin + extra };
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const tl = annealedTau(s, lo);
          const th = annealedTau(s, hi);
          return th <= tl + 1e-12 && th >= tauMin - 1e-12 && tl <= s.tauMax + 1e-12;
        },
      ),
    );
  });

  it('rejects bad schedules with AnnealScheduleError', function () {
    const check = (f: () => number, re: RegExp) =>
      assert.throws(f, (e: Error) => e.name === 'AnnealScheduleError' && re.test(e.message));
    check(() => linearTau(0, 0), /steps must be a positive integer, found 0/);
    check(() => linearTau(-1, 10), /step must be a finite number >= 0/);
    check(() => exponentialTau(0, 10, 0.1, 1), /tauMin <= tauMax/);
    check(() => linearTau(0, 10, 1, 0), /0 < tauMin/);
    check(
      () => annealedTau({ kind: 'cosine' as 'linear', steps: 3 }, 0),
      /kind must be 'linear' or 'exponential'/,
    );
  });
});
