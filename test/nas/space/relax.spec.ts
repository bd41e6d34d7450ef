import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { gumbelNoise, gumbelSoftmax, maskedSoftmax } from '../../../src/nas/gumbel.js';
import { fullMasks } from '../../../src/nas/genotype/masks.js';
import { planCell, type CellPlan } from '../../../src/nas/space/arch_plan.js';
import { OP_NAMES } from '../../../src/nas/space/ops/names.js';
import { alphaShapes, cellTopology, edgeKey, nodeKey } from '../../../src/nas/space/topology.js';
import type { RelaxMode } from '../../../src/nas/types.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';

const OPS = OP_NAMES;
const K = OPS.length;
const topo = cellTopology(4);

function alphasOf(seed: number): Map<string, tf.Variable> {
  const rng = new Rng(seed);
  const out = new Map<string, tf.Variable>();
  for (const [k, n] of alphaShapes(4, K))
    out.set(k, tf.variable(tf.tensor1d(Array.from({ length: n }, () => rng.normal()))));
  return out;
}

function plan(
  alphas: Map<string, tf.Variable>,
  masks: Map<string, Float32Array>,
  mode: RelaxMode,
  seed: number,
  tau = 0.7,
): CellPlan {
  return planCell({
    type: 'normal',
    topology: topo,
    ops: OPS,
    alphas,
    masks,
    mode,
    tau,
    rng: new Rng(seed),
    deriveRule: 'pairs',
  });
}

/** The noise planCell draws: all edges' op noise first, then every node's pair noise. */
function noiseOf(seed: number): { edges: Float32Array; nodes: Float32Array[] } {
  const rng = new Rng(seed);
  return {
    edges: gumbelNoise(rng, topo.edges.length * K),
    nodes: topo.pairs.map((p) => gumbelNoise(rng, p.length)),
  };
}

const value = (a: tf.Variable) => a.dataSync() as Float32Array;

forEachBackend('nas/space relaxation plan', function () {
  let alphas: Map<string, tf.Variable>;
  let masks: Map<string, Float32Array>;
  beforeEach(() => {
    alphas = alphasOf(4);
    masks = fullMasks({ nodes: 4, ops: OPS });
  });
  afterEach(() => alphas.forEach((v) => v.dispose()));

  it('soft: coefficient = (sum of the Gumbel-Softmax probabilities of the pairs holding the edge) x op probability', function () {
    (masks.get(edgeKey('normal', 6)) as Float32Array)[4] = 0; // prune sep_conv_3x3 on edge 6
    (masks.get(nodeKey('normal', 2)) as Float32Array).set([0, 1, 1, 0, 1, 1]); // pairs (0,1) and (1,2) pruned
    const tau = 0.7;
    tf.tidy(() => {
      const p = plan(alphas, masks, 'soft', 21, tau);
      const noise = noiseOf(21);
      for (let n = 0; n < 4; n++) {
        const q = gumbelSoftmax(
          value(alphas.get(nodeKey('normal', n)) as tf.Variable),
          noise.nodes[n],
          tau,
          masks.get(nodeKey('normal', n)),
        ).probs;
        const seen = new Set<string>();
        for (const t of p.nodes[n]) {
          const e = t.edge;
          const w = topo.pairEdges[n].reduce((s, pe, k) => s + (pe.includes(e) ? q[k] : 0), 0);
          const ps = gumbelSoftmax(
            value(alphas.get(edgeKey('normal', e)) as tf.Variable),
            noise.edges.subarray(e * K, e * K + K),
            tau,
            masks.get(edgeKey('normal', e)),
          ).probs;
          const want = (n === 0 ? 1 : w) * ps[t.op];
          const got = (t.coef as tf.Scalar).dataSync()[0];
          assert.ok(
            Math.abs(got - want) < 1e-5 + 1e-4 * want,
            `node ${n} edge ${e} op ${t.op}: ${got} vs ${want}`,
          );
          assert.notEqual(OPS[t.op], 'none');
          seen.add(`${e}/${t.op}`);
        }
        // every live non-none op on every edge of a live pair is a term, and nothing else
        const live = new Set(
          topo.pairEdges[n]
            .filter((_, k) => (masks.get(nodeKey('normal', n)) as Float32Array)[k] === 1)
            .flat(),
        );
        const expected = [...live].flatMap((e) =>
          OPS.map((op, k) => [op, k] as const)
            .filter(([op, k]) => op !== 'none' && (masks.get(edgeKey('normal', e)) as Float32Array)[k] === 1)
            .map(([, k]) => `${e}/${k}`),
        );
        assert.deepEqual([...seen].sort(), expected.sort());
      }
      assert.ok(!p.nodes[2].some((t) => t.edge === 6 && t.op === 4), 'pruned op computed');
    });
  });

  it('hard: one sampled pair per node and one sampled op per edge, coefficients exactly 1, ST gradients', function () {
    (masks.get(edgeKey('normal', 3)) as Float32Array).fill(0).set([1], 4); // edge 3: only sep_conv_3x3 alive
    const tau = 0.7;
    const noise = noiseOf(33);
    tf.tidy(() => {
      const p = plan(alphas, masks, 'hard', 33, tau);
      for (let n = 0; n < 4; n++) {
        const a = value(alphas.get(nodeKey('normal', n)) as tf.Variable);
        const k = gumbelSoftmax(a, noise.nodes[n], tau).index;
        const edges = topo.pairEdges[n][k];
        for (const t of p.nodes[n]) {
          assert.ok(edges.includes(t.edge));
          const ae = value(alphas.get(edgeKey('normal', t.edge)) as tf.Variable);
          assert.equal(
            t.op,
            gumbelSoftmax(
              ae,
              noise.edges.subarray(t.edge * K, t.edge * K + K),
              tau,
              masks.get(edgeKey('normal', t.edge)),
            ).index,
          );
          if (t.coef) assert.equal(t.coef.dataSync()[0], 1);
        }
      }
      // gradient of the coefficient of node 3's first term: d q_k / d alpha_node + d p_op / d alpha_edge
      const t = p.nodes[3][0];
      const grads = tf.variableGrads(() => {
        const q = plan(alphas, masks, 'hard', 33, tau).nodes[3][0];
        return q.coef as tf.Scalar;
      }, [
        alphas.get(nodeKey('normal', 3)) as tf.Variable,
        alphas.get(edgeKey('normal', t.edge)) as tf.Variable,
      ]);
      const softGrad = (logits: Float32Array, g: ArrayLike<number>, i: number) => {
        const s = maskedSoftmax(
          Array.from(logits, (x, j) => x + g[j]),
          undefined,
          tau,
        );
        return Array.from(s, (sj, j) => (s[i] * ((i === j ? 1 : 0) - sj)) / tau);
      };
      const an = value(alphas.get(nodeKey('normal', 3)) as tf.Variable);
      const kn = gumbelSoftmax(an, noise.nodes[3], tau).index;
      const ae = value(alphas.get(edgeKey('normal', t.edge)) as tf.Variable);
      const wantNode = softGrad(an, noise.nodes[3], kn);
      const wantEdge = softGrad(ae, noise.edges.subarray(t.edge * K, t.edge * K + K), t.op);
      const gn = grads.grads[(alphas.get(nodeKey('normal', 3)) as tf.Variable).name].dataSync();
      const ge = grads.grads[(alphas.get(edgeKey('normal', t.edge)) as tf.Variable).name].dataSync();
      wantNode.forEach((w, i) => assert.ok(Math.abs(gn[i] - w) < 1e-5, `node grad ${i}: ${gn[i]} vs ${w}`));
      wantEdge.forEach((w, i) => assert.ok(Math.abs(ge[i] - w) < 1e-5, `edge grad ${i}: ${ge[i]} vs ${w}`));
    });
  });

  it('softmax: every edge of every node, plain softmax(alpha) weights, no noise', function () {
    tf.tidy(() => {
      const p = plan(alphas, masks, 'softmax', 1);
      for (let n = 0; n < 4; n++) {
        assert.equal(p.nodes[n].length, (n + 2) * (K - 1));
        for (const t of p.nodes[n]) {
          const want = maskedSoftmax(value(alphas.get(edgeKey('normal', t.edge)) as tf.Variable))[t.op];
          assert.ok(Math.abs((t.coef as tf.Scalar).dataSync()[0] - want) < 1e-6);
        }
      }
    });
  });
});
