import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { maskedSoftmax } from '../../src/nas/gumbel.js';
import { aliveCounts, mergeMasks, softPrune } from '../../src/nas/pruning.js';

type Vec = { alpha: number[]; mask: number[] };

/** Random candidate vectors (1..10 candidates, at least one alive). */
const vector = fc.integer({ min: 1, max: 10 }).chain((n) =>
  fc
    .record({
      alpha: fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: n, maxLength: n }),
      mask: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
      keep: fc.nat(n - 1),
    })
    .map(({ alpha, mask, keep }): Vec => ({ alpha, mask: mask.map((m, i) => (i === keep ? 1 : m)) })),
);
const arch = fc.array(vector, { minLength: 1, maxLength: 6 });
const toMaps = (vs: Vec[]) => ({
  alphas: new Map(vs.map((v, i) => [`k${i}`, Float32Array.from(v.alpha)])),
  masks: new Map(vs.map((v, i) => [`k${i}`, Float32Array.from(v.mask)])),
});
const opts = fc.record({
  tau: fc.double({ min: 0.05, max: 10, noNaN: true }),
  threshold: fc.double({ min: 0, max: 0.6, noNaN: true }),
});

describe('nas/pruning', function () {
  it('prunes candidates below the threshold at the given temperature and reports them', function () {
    const alphas = new Map([['e', Float32Array.from([0, 0, -10, 0])]]);
    const masks = new Map([['e', Float32Array.from([1, 1, 1, 0])]]);
    const r = softPrune(alphas, masks, { tau: 1 });
    assert.deepEqual(Array.from(r.masks.get('e') as Float32Array), [1, 1, 0, 0]);
    assert.equal(r.pruned.length, 1);
    assert.equal(r.pruned[0].index, 2);
    assert.ok(r.pruned[0].probability < 0.01);
    assert.deepEqual(Array.from(masks.get('e') as Float32Array), [1, 1, 1, 0], 'input not mutated');
    // at a high temperature the same alphas are close to uniform: nothing pruned
    assert.equal(softPrune(alphas, masks, { tau: 10 }).pruned.length, 0);
  });

  it('keeps the best candidate when all would go', function () {
    const alphas = new Map([['n', Float32Array.from([0, 0.1, 0.2])]]);
    const masks = new Map([['n', Float32Array.from([1, 1, 1])]]);
    const r = softPrune(alphas, masks, { tau: 1, threshold: 0.9 });
    assert.deepEqual(Array.from(r.masks.get('n') as Float32Array), [0, 0, 1]);
    assert.deepEqual(
      r.rescued.map((c) => c.index),
      [2],
    );
  });

  it('property: never empties a vector, only removes, respects the threshold, is idempotent', function () {
    fc.assert(
      fc.property(arch, opts, (vs, { tau, threshold }) => {
        const { alphas, masks } = toMaps(vs);
        const r = softPrune(alphas, masks, { tau, threshold });
        const prunedSet = new Set(r.pruned.map((c) => `${c.key}/${c.index}`));
        const rescuedSet = new Set(r.rescued.map((c) => `${c.key}/${c.index}`));
        for (const [key, before] of masks) {
          const after = r.masks.get(key) as Float32Array;
          const p = maskedSoftmax(alphas.get(key) as Float32Array, before, tau);
          if (!after.some((m) => m === 1)) return false;
          for (let i = 0; i < after.length; i++) {
            if (after[i] > before[i]) return false; // monotone
            const id = `${key}/${i}`;
            if (before[i] === 1 && after[i] === 0 && !(p[i] < threshold && prunedSet.has(id))) return false;
            if (after[i] === 1 && p[i] < threshold && !rescuedSet.has(id)) return false;
          }
        }
        const again = softPrune(alphas, r.masks, { tau, threshold });
        return again.pruned.length === 0;
      }),
      { numRuns: 300 },
    );
  });

  it('property: merged masks are the intersection, never empty', function () {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) =>
          fc.array(
            fc
              .array(fc.constantFrom(0, 1), { minLength: n, maxLength: n })
              .map((m) => (m.includes(1) ? m : [1, ...m.slice(1)])),
            { minLength: 1, maxLength: 5 },
          ),
        ),
        (peers) => {
          const { masks, fallbacks } = mergeMasks(peers.map((m) => new Map([['k', Float32Array.from(m)]])));
          const merged = masks.get('k') as Float32Array;
          if (!merged.includes(1)) return false;
          const inter = peers[0].map((_, i) => (peers.every((p) => p[i] === 1) ? 1 : 0));
          if (inter.includes(1)) return fallbacks.length === 0 && inter.every((v, i) => v === merged[i]);
          return fallbacks[0] === 'k';
        },
      ),
    );
  });

  it('validates inputs with PruningError', function () {
    const a = new Map([['e', Float32Array.from([1, 2])]]);
    const ok = new Map([['e', Float32Array.from([1, 1])]]);
    const check = (f: () => unknown, re: RegExp) =>
      assert.throws(f, (e: Error) => e.name === 'PruningError' && re.test(e.message));
    check(
      () => softPrune(a, new Map([['e', Float32Array.from([1])]]), { tau: 1 }),
      /must have length 2, found 1/,
    );
    check(
      () => softPrune(a, new Map([['e', Float32Array.from([0, 0])]]), { tau: 1 }),
      /must keep a candidate/,
    );
    check(() => softPrune(a, new Map(), { tau: 1 }), /masks must contain every alpha key/);
    check(() => softPrune(a, ok, { tau: 0 }), /tau must be a finite number > 0/);
    check(() => softPrune(a, ok, { tau: 1, threshold: 2 }), /threshold must be in \[0, 1\]/);
    check(() => mergeMasks([]), /non-empty list/);
    assert.deepEqual([...aliveCounts(ok)], [['e', 2]]);
  });
});
