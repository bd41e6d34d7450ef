import { strict as assert } from 'node:assert';
import {
  BENCH_SMALL,
  cellLayout,
  DEFAULT_SEARCH_SPACE,
  PAPER_CIFAR10,
  reductionIndices,
  resolveSearchSpace,
} from '../../../src/nas/space/config.js';
import { OP_NAMES } from '../../../src/nas/space/ops/names.js';
import {
  alphaShapes,
  cellTopology,
  edgeIndex,
  inputPairs,
  numEdges,
  pairIndex,
} from '../../../src/nas/space/topology.js';

describe('nas/space config and topology', function () {
  it('defaults are the DARTS space and presets match the brief', function () {
    const d = resolveSearchSpace();
    assert.deepEqual(d.ops, OP_NAMES);
    assert.equal(d.nodes, 4);
    assert.equal(d.stemMultiplier, 3);
    assert.deepEqual(
      { ...resolveSearchSpace(BENCH_SMALL) },
      { ...DEFAULT_SEARCH_SPACE, layers: 3, channels: 8, inChannels: 1, imageSize: 28, ops: [...OP_NAMES] },
    );
    const p = resolveSearchSpace(PAPER_CIFAR10);
    assert.deepEqual([p.layers, p.channels, p.imageSize, p.inChannels], [8, 16, 32, 3]);
  });

  it('puts reductions at L/3 and 2L/3 and doubles channels there', function () {
    assert.deepEqual(reductionIndices(8), [2, 5]);
    assert.deepEqual(reductionIndices(3), [1, 2]);
    const layout = cellLayout(resolveSearchSpace(PAPER_CIFAR10));
    assert.deepEqual(
      layout.map((l) => [l.reduction, l.reductionPrev, l.c, l.inSize]),
      [
        [false, false, 16, 32],
        [false, false, 16, 32],
        [true, false, 32, 32],
        [false, true, 32, 16],
        [false, false, 32, 16],
        [true, false, 64, 16],
        [false, true, 64, 8],
        [false, false, 64, 8],
      ],
    );
    assert.deepEqual(
      [layout[0].cPrevPrev, layout[0].cPrev, layout[1].cPrevPrev, layout[1].cPrev],
      [48, 48, 48, 64],
    );
  });

  it('normalises the op order and rejects bad configs with named errors', function () {
    assert.deepEqual(resolveSearchSpace({ ops: ['sep_conv_3x3', 'none'] }).ops, ['none', 'sep_conv_3x3']);
    const bad: [object, RegExp][] = [
      [{ layers: 0 }, /layers must be a positive integer, found 0/],
      [{ channels: 2.5 }, /channels must be a positive integer/],
      [{ inChannels: 2 }, /inChannels must be 1 or 3, found 2/],
      [{ ops: ['conv_7x7'] }, /ops must be names among/],
      [{ ops: ['none'] }, /at least one op other than 'none'/],
      [{ ops: ['none', 'none', 'skip_connect'] }, /without duplicates/],
      [{ imageSize: 30, layers: 3 }, /even size/],
      [{ deriveRule: 'best' }, /deriveRule must be/],
    ];
    for (const [cfg, re] of bad) {
      assert.throws(
        () => resolveSearchSpace(cfg),
        (e: Error) =>
          e.name === 'SearchSpaceConfigError' &&
          re.test(e.message) &&
          /^Error in resolveSearchSpace/.test(e.message),
      );
    }
  });

  it('numbers edges and input pairs like DARTS', function () {
    assert.equal(numEdges(4), 14);
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => inputPairs(n).length),
      [1, 3, 6, 10],
    );
    assert.deepEqual(inputPairs(1), [
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    assert.equal(edgeIndex(0, 0), 0);
    assert.equal(edgeIndex(1, 2), 4);
    assert.equal(edgeIndex(3, 4), 13);
    assert.equal(pairIndex(2, 3, 1), 4);
    const t = cellTopology(4);
    assert.deepEqual(t.edges[5], { index: 5, node: 2, from: 0 });
    assert.deepEqual(t.pairEdges[2][0], [5, 6]);
    const shapes = alphaShapes(4, 8);
    assert.equal(shapes.size, 36);
    assert.equal(shapes.get('reduce.nodes.3'), 10);
    assert.equal(shapes.get('normal.edges.13'), 8);
  });
});
