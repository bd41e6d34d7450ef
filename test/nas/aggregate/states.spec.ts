import { strict as assert } from 'node:assert';
import {
  aggregateStates,
  assertFiniteState,
  assertNormBound,
  assertStateMatchesSpec,
  coordinateMedian,
  mergeMaskRecords,
  pruneState,
  prunedCount,
  screenUpdates,
  type ClientUpdate,
} from '../../../src/nas/aggregate/index.js';
import { specOfState, type ModelState } from '../../../src/nas/state/index.js';
import type { CandidateRef } from '../../../src/nas/types.js';

const f32 = (...v: number[]) => Float32Array.from(v);

function state(w: number, alpha: number[], mask = [1, 1, 1], extra?: number): ModelState {
  return {
    weights: {
      shared: { shape: [2], data: f32(w, 2 * w) },
      ...(extra === undefined ? {} : { 'edge.op2.k': { shape: [1], data: f32(extra) } }),
    },
    alphas: { edge: { shape: [3], data: Float32Array.from(alpha) } },
    buffers: { mean: { shape: [1], data: f32(w) } },
    masks: { edge: Float32Array.from(mask) },
    round: 4,
    configHash: 'cfg',
  };
}

const candidateOf = (name: string): CandidateRef | undefined =>
  name.startsWith('edge.op') ? { alphaKey: 'edge', index: Number(name[7]) } : undefined;

const update = (id: string, s: ModelState, n: number): ClientUpdate => ({ id, state: s, sampleCount: n });

describe('aggregateStates', function () {
  it('averages weights, buffers and alphas by sample count: alphas are a true mean, not the first client', function () {
    const { state: out } = aggregateStates([
      update('a', state(1, [1, 0, 0]), 1),
      update('b', state(3, [0, 2, 0]), 3),
    ]);
    assert.deepEqual(Array.from(out.weights.shared.data), [2.5, 5]);
    assert.deepEqual(Array.from(out.buffers.mean.data), [2.5]);
    assert.deepEqual(Array.from(out.alphas.edge.data), [0.25, 1.5, 0]);
    assert.notDeepEqual(out.alphas.edge.data, f32(1, 0, 0));
    assert.deepEqual(out.alphas.edge.shape, [3]);
    assert.equal(out.round, 4);
    assert.equal(out.configHash, 'cfg');
  });

  it('averages a candidate weight over the peers that still have it and intersects masks', function () {
    const { state: out, fallbacks } = aggregateStates([
      update('a', state(1, [0, 0, 0], [1, 1, 1], 4), 1),
      update('b', state(1, [0, 0, 0], [1, 1, 0]), 1),
      update('c', state(1, [0, 0, 0], [1, 1, 1], 8), 3),
    ]);
    assert.deepEqual(Array.from(out.weights['edge.op2.k'].data), [7]);
    assert.deepEqual(Array.from(out.masks.edge), [1, 1, 0]);
    assert.deepEqual(fallbacks, []);
    const dropped = aggregateStates(
      [update('a', state(1, [0, 0, 0], [1, 1, 1], 4), 1), update('b', state(1, [0, 0, 0], [1, 1, 0]), 1)],
      { candidateOf },
    ).state;
    assert.equal(dropped.weights['edge.op2.k'], undefined);
  });

  it('uses the given rule (median) and rejects mixed config hashes', function () {
    const ups = [1, 2, 100].map((w, i) => update(`p${i}`, state(w, [w, 0, 0]), 1));
    const { state: out } = aggregateStates(ups, { rule: coordinateMedian(), round: 9 });
    assert.deepEqual(Array.from(out.weights.shared.data), [2, 4]);
    assert.equal(out.round, 9);
    const odd = { ...state(1, [0, 0, 0]), configHash: 'other' };
    assert.throws(() => aggregateStates([ups[0], update('x', odd, 1)]), {
      name: 'ConfigHashMismatchError',
      message: /configHash must be 'cfg', found 'other' from 'x'/,
    });
  });
});

describe('mergeMaskRecords', function () {
  it('keeps the best candidate alive somewhere when the intersection is empty', function () {
    const { masks, fallbacks } = mergeMaskRecords(
      [
        { e: f32(1, 0, 0, 1), n: f32(1, 1) },
        { e: f32(0, 1, 1, 0), n: f32(0, 1) },
      ],
      { e: f32(0.1, 0.3, 0.2, 9), n: f32(0, 0) },
    );
    assert.deepEqual(Array.from(masks.e), [0, 0, 0, 1]);
    assert.deepEqual(Array.from(masks.n), [0, 1]);
    assert.deepEqual(fallbacks, ['e']);
    assert.throws(() => mergeMaskRecords([{ e: f32(1) }, { e: f32(1, 1) }], {}), {
      name: 'AggregationError',
      message: /masks\[1\] must have the keys and lengths of masks\[0\], found 'e' differing/,
    });
  });
});

describe('pruneState', function () {
  it('prunes improbable candidates with softPrune and drops their weights', function () {
    const s = state(1, [3, 2, -5], [1, 1, 1], 3);
    const { state: out, newlyPruned } = pruneState(s, { tau: 1, threshold: 0.01, candidateOf });
    assert.deepEqual(Array.from(out.masks.edge), [1, 1, 0]);
    assert.equal(newlyPruned, 1);
    assert.equal(prunedCount(out.masks), 1);
    assert.equal(out.weights['edge.op2.k'], undefined);
    assert.ok(s.weights['edge.op2.k'] !== undefined, 'the input is not modified');
    const custom = pruneState(s, {
      tau: 1,
      prune: (_a, m) => ({ masks: new Map([...m].map(([k]) => [k, f32(0, 1, 0)])) }),
    });
    assert.deepEqual(Array.from(custom.state.masks.edge), [0, 1, 0]);
  });
});

describe('update validation', function () {
  it('names non-finite tensors, spec mismatches and norm violations; screenUpdates splits the updates', function () {
    const bad = state(1, [0, 0, 0]);
    bad.weights.shared.data[1] = NaN;
    assert.throws(() => assertFiniteState(bad, 'peer-2'), {
      name: 'NonFiniteUpdateError',
      message: /update 'peer-2' must hold finite values, found weights\['shared'\]\[1\] = NaN/,
    });
    const spec = specOfState(state(1, [0, 0, 0], [1, 1, 1], 1));
    assertStateMatchesSpec(state(1, [0, 0, 0], [1, 1, 0]), spec, 'ok', { candidateOf });
    assert.throws(() => assertStateMatchesSpec(state(1, [0, 0, 0]), spec, 'p', { candidateOf }), {
      name: 'TensorNameMismatchError',
      message: /found missing weights\['edge.op2.k'\]/,
    });
    const wrong = state(1, [0, 0, 0], [1, 1, 1], 1);
    wrong.weights.shared = { shape: [3], data: f32(1, 2, 3) };
    assert.throws(() => assertStateMatchesSpec(wrong, spec, 'p'), {
      name: 'TensorShapeMismatchError',
      message: /weights\['shared'\] must have shape \[2\], found \[3\]/,
    });
    assert.throws(() => assertNormBound(state(10, [0, 0, 0]), 5, 'big', state(0, [0, 0, 0])), {
      name: 'UpdateNormError',
      message: /update 'big' norm must be <= 5, found 24.49\d* \(largest: weights\/shared 22.36/,
    });
    const { accepted, rejected } = screenUpdates(
      [
        update('good', state(1, [0, 0, 0]), 1),
        update('nan', bad, 1),
        update('far', state(100, [0, 0, 0]), 1),
      ],
      { maxNorm: 50, reference: state(1, [0, 0, 0]) },
    );
    assert.deepEqual(
      accepted.map((u) => u.id),
      ['good'],
    );
    assert.deepEqual(
      rejected.map((r) => [r.id, r.error.name]),
      [
        ['nan', 'NonFiniteUpdateError'],
        ['far', 'UpdateNormError'],
      ],
    );
  });
});
