import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  cellToDot,
  deriveGenotype,
  fullMasks,
  genotypeFromJSON,
  genotypeToJSON,
  genotypeToMasks,
  parseDartsGenotype,
  renderSvg,
  toDartsString,
  type Genotype,
} from '../../src/nas/genotype/index.js';
import { OP_NAMES, type OpName } from '../../src/nas/space/ops/names.js';
import { alphaShapes, edgeIndex, edgeKey, nodeKey, pairIndex } from '../../src/nas/space/topology.js';

const OPS = OP_NAMES;
const idx = (op: OpName) => OPS.indexOf(op);

/** Alphas that are all zero except a few hand-set logits. */
function handSetAlphas(): Map<string, Float32Array> {
  const alphas = new Map<string, Float32Array>();
  for (const [k, n] of alphaShapes(4, OPS.length)) alphas.set(k, new Float32Array(n));
  const set = (k: string, i: number, v: number) => ((alphas.get(k) as Float32Array)[i] = v);
  // normal: node0 (0,1); node1 (1,2); node2 (0,3); node3 (2,4)
  set(nodeKey('normal', 1), pairIndex(1, 1, 2), 2);
  set(nodeKey('normal', 2), pairIndex(2, 0, 3), 2);
  set(nodeKey('normal', 3), pairIndex(3, 2, 4), 2);
  const op = (type: 'normal' | 'reduce', node: number, from: number, name: OpName, v = 3) =>
    set(edgeKey(type, edgeIndex(node, from)), idx(name), v);
  op('normal', 0, 0, 'sep_conv_3x3');
  op('normal', 0, 1, 'skip_connect');
  op('normal', 1, 1, 'sep_conv_5x5');
  op('normal', 1, 2, 'dil_conv_3x3');
  op('normal', 2, 0, 'avg_pool_3x3');
  op('normal', 2, 3, 'max_pool_3x3');
  op('normal', 3, 2, 'dil_conv_5x5');
  op('normal', 3, 4, 'none', 9); // 'none' is never chosen ...
  op('normal', 3, 4, 'sep_conv_3x3', 1); // ... its best other op is
  // reduce: every node takes (0, 1) with max_pool on 0 and skip on 1
  for (let n = 0; n < 4; n++) {
    set(nodeKey('reduce', n), pairIndex(n, 0, 1), 2);
    op('reduce', n, 0, 'max_pool_3x3');
    op('reduce', n, 1, 'skip_connect');
  }
  return alphas;
}

const EXPECTED =
  "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ('sep_conv_5x5', 1), ('dil_conv_3x3', 2), " +
  "('avg_pool_3x3', 0), ('max_pool_3x3', 3), ('dil_conv_5x5', 2), ('sep_conv_3x3', 4)], normal_concat=[2, 3, 4, 5], " +
  "reduce=[('max_pool_3x3', 0), ('skip_connect', 1), ('max_pool_3x3', 0), ('skip_connect', 1), ('max_pool_3x3', 0), " +
  "('skip_connect', 1), ('max_pool_3x3', 0), ('skip_connect', 1)], reduce_concat=[2, 3, 4, 5])";

const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

const genotypeArb: fc.Arbitrary<Genotype> = fc.integer({ min: 1, max: 5 }).chain((nodes) => {
  const cell = fc
    .tuple(
      ...Array.from({ length: nodes }, (_, n) =>
        fc.tuple(fc.constantFrom(...OPS), fc.nat(n + 1), fc.constantFrom(...OPS), fc.nat(n + 1)),
      ),
    )
    .map((ns) =>
      ns.flatMap(([a, i, b, j]) => [
        { op: a, input: i },
        { op: b, input: j },
      ]),
    );
  const concat = Array.from({ length: nodes }, (_, i) => i + 2);
  return fc.record({
    normal: cell,
    normalConcat: fc.constant(concat),
    reduce: cell,
    reduceConcat: fc.constant(concat),
  });
});

describe('nas/genotype', function () {
  it('derives the known genotype from hand-set alphas (input pairs rule) and prints the DARTS string', function () {
    const g = deriveGenotype({
      alphas: handSetAlphas(),
      masks: fullMasks({ nodes: 4, ops: OPS }),
      ops: OPS,
      nodes: 4,
    });
    assert.equal(toDartsString(g), EXPECTED);
  });

  it('derives with the DARTS top-2 rule (strongest non-none edges, strongest first)', function () {
    const alphas = handSetAlphas();
    const g = deriveGenotype(
      { alphas, masks: fullMasks({ nodes: 4, ops: OPS }), ops: OPS, nodes: 4 },
      'top2',
    );
    // node 3 of normal: edges from 2 (dil_conv_5x5, logit 3) and 4 (sep_conv_3x3, logit 1, with 'none' at 9 in the softmax)
    // edge from 2 is strongest; all other edges are uniform (1/8) > edge 4's sep_conv weight
    assert.deepEqual(g.normal[6], { op: 'dil_conv_5x5', input: 2 });
    // then the first of the uniform edges (0), with its first non-none op
    assert.deepEqual(g.normal[7], { op: 'max_pool_3x3', input: 0 });
    assert.deepEqual(g.reduce.slice(0, 2), [
      { op: 'max_pool_3x3', input: 0 },
      { op: 'skip_connect', input: 1 },
    ]);
  });

  it('honours masks: pruned ops and pairs are never chosen', function () {
    const alphas = handSetAlphas();
    const masks = fullMasks({ nodes: 4, ops: OPS });
    (masks.get(edgeKey('normal', edgeIndex(0, 0))) as Float32Array)[idx('sep_conv_3x3')] = 0;
    (masks.get(nodeKey('normal', 1)) as Float32Array)[pairIndex(1, 1, 2)] = 0;
    const g = deriveGenotype({ alphas, masks, ops: OPS, nodes: 4 });
    assert.notEqual(g.normal[0].op, 'sep_conv_3x3');
    assert.notDeepEqual([g.normal[2].input, g.normal[3].input], [1, 2]);
  });

  it('parses DARTS strings (lists, range(), double quotes) and round-trips', function () {
    const g = parseDartsGenotype(DARTS_V2);
    assert.equal(toDartsString(g), DARTS_V2);
    const withRange = DARTS_V2.replace(/\[2, 3, 4, 5\]/g, 'range(2, 6)').replace(/'/g, '"');
    assert.deepEqual(parseDartsGenotype(withRange), g);
    assert.deepEqual(parseDartsGenotype(EXPECTED.replace(/, /g, ',\n  ')), parseDartsGenotype(EXPECTED));
    fc.assert(
      fc.property(
        genotypeArb,
        (x) => JSON.stringify(parseDartsGenotype(toDartsString(x))) === JSON.stringify(x),
      ),
    );
    fc.assert(
      fc.property(
        genotypeArb,
        (x) => JSON.stringify(genotypeFromJSON(genotypeToJSON(x))) === JSON.stringify(x),
      ),
    );
  });

  it('rejects malformed strings and genotypes with named errors', function () {
    assert.throws(() => parseDartsGenotype('Genotype(normal=[(sep_conv_3x3, 0)])'), {
      name: 'GenotypeParseError',
    });
    assert.throws(
      () =>
        parseDartsGenotype(
          "Genotype(normal=[('conv_9x9', 0), ('skip_connect', 1)], normal_concat=[2], reduce=[('skip_connect', 0), ('skip_connect', 1)], reduce_concat=[2])",
        ),
      /DARTS op/,
    );
    assert.throws(() => parseDartsGenotype(DARTS_V2 + ' trailing'), /nothing more/);
    assert.throws(
      () =>
        parseDartsGenotype(
          "Genotype(normal=[('skip_connect', 2), ('skip_connect', 1)], normal_concat=[2], reduce=[('skip_connect', 0), ('skip_connect', 1)], reduce_concat=[2])",
        ),
      (e: Error) =>
        e.name === 'GenotypeError' && /input must be an integer in \[0, 1\], found 2/.test(e.message),
    );
    assert.throws(() => genotypeFromJSON('{'), { name: 'GenotypeError' });
  });

  it('genotypeToMasks keeps exactly the genotype and rejects what the supernet cannot compute', function () {
    const g = parseDartsGenotype(DARTS_V2);
    const masks = genotypeToMasks(g, { nodes: 4, ops: OPS });
    const again = deriveGenotype({ alphas: handSetAlphas(), masks, ops: OPS, nodes: 4 });
    // with a single live candidate everywhere that matters, derivation returns the genotype (pairs ascending)
    for (let n = 0; n < 4; n++) {
      const want = [g.normal[2 * n], g.normal[2 * n + 1]].sort((a, b) => a.input - b.input);
      assert.deepEqual(again.normal.slice(2 * n, 2 * n + 2), want);
    }
    const nodeMask = masks.get(nodeKey('reduce', 3)) as Float32Array;
    assert.equal(
      nodeMask.reduce((a, b) => a + b, 0),
      1,
    );
    const twice = { ...g, normal: g.normal.map((e, i) => (i === 1 ? { ...e, input: 0 } : e)) };
    assert.throws(
      () => genotypeToMasks(twice, { nodes: 4, ops: OPS }),
      /two different inputs, found 0 twice/,
    );
    assert.throws(() => genotypeToMasks(g, { nodes: 3, ops: OPS }), { name: 'GenotypeError' });
    assert.throws(
      () => genotypeToMasks(g, { nodes: 4, ops: ['none', 'skip_connect'] }),
      /must be one of none, skip_connect/,
    );
  });

  it('draws a well-formed Graphviz DOT cell and reports a missing dot binary by name', function () {
    const dot = cellToDot(parseDartsGenotype(DARTS_V2), 'reduce');
    assert.match(dot, /^digraph reduce \{\n/);
    assert.match(dot, /\}\n$/);
    assert.equal((dot.match(/\{/g) ?? []).length - (dot.match(/\{k/g) ?? []).length, 1);
    const edges = dot.split('\n').filter((l) => l.includes('->'));
    assert.equal(edges.length, 8 + 4);
    assert.ok(edges.some((l) => l.includes('"c_{k-1}" -> "0" [label="max_pool_3x3"')));
    assert.ok(dot.includes('"3" -> "c_{k}"'));
    for (const l of dot.split('\n').slice(1, -2)) assert.match(l, /^ {2}.*;$/);
    assert.throws(() => renderSvg(dot, 'definitely-not-graphviz-dot'), {
      name: 'GraphvizUnavailableError',
      message: /must be on PATH/,
    });
  });
});
