import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { deriveModelGenotype, genotypeToMasks, parseDartsGenotype } from '../../../src/nas/genotype/index.js';
import { trainStepForBench } from '../../../src/nas/space/bench.js';
import { BENCH_SMALL, PAPER_CIFAR10 } from '../../../src/nas/space/config.js';
import { OP_NAMES } from '../../../src/nas/space/ops/names.js';
import { createSupernet, type Supernet } from '../../../src/nas/space/supernet.js';
import { isParamLive, liveParamNames } from '../../../src/nas/space/liveness.js';
import { edgeKey } from '../../../src/nas/space/topology.js';
import type { ForwardOptions, RelaxMode } from '../../../src/nas/types.js';
import { Rng } from '../../../src/util/rng.js';
import { forEachBackend } from '../../utils/backends.js';
import { assertClose, randomBatch, TINY } from './helpers.js';

const MODES: RelaxMode[] = ['hard', 'soft', 'softmax', 'discrete'];
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

const opts = (mode: RelaxMode, seed = 1, tau = 1): ForwardOptions => ({
  mode,
  tau,
  training: true,
  rng: new Rng(seed),
});
const typeOfCell = (m: Supernet, i: number) =>
  m.config.layers > 0 && [1, 2].includes(i) ? 'reduce' : 'normal';

/** Masks with `none` pruned everywhere (so every sampled op is computed). */
function withoutNone(m: Supernet): Map<string, Float32Array> {
  const masks = new Map(m.masks);
  for (const [k, v] of masks)
    if (k.includes('.edges.'))
      masks.set(
        k,
        Float32Array.from(v, (x, i) => (i === 0 ? 0 : x)),
      );
  return masks;
}

function lossOf(m: Supernet, x: tf.Tensor4D, r: tf.Tensor2D, o: ForwardOptions): tf.Scalar {
  return tf.sum(tf.mul(m.forward(x, o), r));
}

forEachBackend('nas/space supernet', function () {
  it('gives [batch, classes] logits for both presets in every mode', function () {
    this.timeout(240_000);
    for (const [cfg, batch] of [
      [BENCH_SMALL, 2],
      [PAPER_CIFAR10, 1],
    ] as const) {
      const m = createSupernet(cfg, { seed: 1 });
      const x = randomBatch(batch, cfg.imageSize, cfg.inChannels);
      for (const mode of MODES) {
        const y = m.forward(x, opts(mode));
        assert.deepEqual(y.shape, [batch, 10], `${cfg.layers} cells, ${mode}`);
        assert.ok(y.dataSync().every(Number.isFinite));
        y.dispose();
      }
      x.dispose();
      m.dispose();
    }
  });

  it('names weights stably, maps every op weight to its candidate, and initialises from the seed', function () {
    const a = createSupernet(TINY, { seed: 5 });
    const b = createSupernet(TINY, { seed: 5 });
    const c = createSupernet(TINY, { seed: 6 });
    try {
      assert.deepEqual([...a.weights.keys()], [...b.weights.keys()]);
      for (const name of [
        'stem.conv',
        'stem.bn.weight',
        'cells.0.pre0.conv',
        'cells.2.pre0.conv_1',
        'head.weight',
      ]) {
        assert.ok(a.weights.has(name), name);
        assert.equal(a.candidateOf(name), undefined);
      }
      assert.ok(a.weights.has('cells.0.edges.5.sep_conv_3x3.dw1'));
      assert.ok(a.weights.has('cells.1.edges.0.skip_connect.conv_1'));
      assert.ok(!a.weights.has('cells.0.edges.0.skip_connect.conv_1'), 'stride-1 skip is an identity');
      assert.ok(a.buffers.has('cells.1.edges.3.max_pool_3x3.bn.running_var'));
      assert.deepEqual([...a.alphas.keys()].slice(0, 2), ['normal.edges.0', 'normal.edges.1']);
      let mapped = 0;
      for (const name of [...a.weights.keys(), ...a.buffers.keys()]) {
        const m = /^cells\.(\d+)\.edges\.(\d+)\.([a-z_0-9]+)\./.exec(name);
        if (!m) continue;
        mapped++;
        const type = typeOfCell(a, Number(m[1]));
        assert.deepEqual(a.candidateOf(name), {
          alphaKey: edgeKey(type, Number(m[2])),
          index: OP_NAMES.indexOf(m[3] as never),
        });
      }
      assert.ok(mapped > 100);
      const w = (m: Supernet) =>
        (m.weights.get('cells.0.edges.5.sep_conv_3x3.pw1') as tf.Variable).dataSync();
      assert.deepEqual(w(a), w(b));
      assert.notDeepEqual(w(a), w(c));
      assert.deepEqual(
        (a.alphas.get('reduce.nodes.3') as tf.Variable).dataSync(),
        (b.alphas.get('reduce.nodes.3') as tf.Variable).dataSync(),
      );
      // PyTorch default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 1 * 3 * 3 for the stem
      const stem = (a.weights.get('stem.conv') as tf.Variable).dataSync();
      assert.ok(stem.every((v) => Math.abs(v) <= 1 / 3));
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('hard mode computes only the sampled candidates and equals the sampled discrete network', function () {
    const m = createSupernet(TINY, { seed: 2 });
    m.masks = withoutNone(m);
    const x = randomBatch(2, 8, 1);
    const r = randomBatch(1, 1, 6, 3).reshape([2, 3]) as tf.Tensor2D;
    try {
      const vars = [...m.weights.values(), ...m.alphas.values()];
      const { value, grads } = tf.variableGrads(() => lossOf(m, x, r, opts('hard', 8, 0.5)), vars);
      const computed = m.lastComputed as NonNullable<Supernet['lastComputed']>;
      const ran = new Set<string>();
      for (const type of ['normal', 'reduce'] as const) {
        for (const terms of computed[type]) {
          assert.ok(terms.length <= 2 && new Set(terms.map((t) => t.edge)).size === terms.length);
          for (const t of terms) ran.add(`${type}/${t.edge}/${t.op}`);
        }
      }
      const norm = (g: tf.Tensor | undefined) => (g ? Math.sqrt(tf.sum(tf.square(g)).dataSync()[0]) : 0);
      for (const [name, v] of m.weights) {
        const ref = m.candidateOf(name);
        if (!ref) continue;
        const [type, , e] = ref.alphaKey.split('.');
        const key = `${type}/${e}/${OP_NAMES[ref.index]}`;
        if (ran.has(key)) assert.ok(norm(grads[v.name]) > 0, `sampled ${name} has no gradient`);
        else assert.equal(norm(grads[v.name]), 0, `unsampled ${name} got a gradient`);
      }
      for (const [key, v] of m.alphas) {
        const [type, kind, i] = key.split('.');
        const live = (m.masks.get(key) as Float32Array).reduce((s, b) => s + b, 0);
        const used = kind === 'nodes' || [...ran].some((k) => k.startsWith(`${type}/${i}/`));
        if (live > 1 && used) assert.ok(norm(grads[v.name]) > 0, `alpha ${key} has no gradient`);
        if (!used) assert.equal(norm(grads[v.name]), 0, `alpha ${key} of an unused edge got a gradient`);
      }
      // the straight-through value is exactly the sampled network's
      const hard = tf.tidy(() => m.forward(x, opts('hard', 8, 0.5)));
      const sample = new Map(m.masks);
      for (const type of ['normal', 'reduce'] as const) {
        computed[type].forEach((terms, n) => {
          const edges = terms.map((t) => t.edge);
          if (edges.length < 2) return;
          const froms = edges.map((e) => e - (n * (n + 3)) / 2);
          const nodeMask = new Float32Array((m.masks.get(`${type}.nodes.${n}`) as Float32Array).length);
          let k = 0;
          for (let a = 0; a < n + 2; a++)
            for (let b = a + 1; b < n + 2; b++, k++)
              if (a === Math.min(...froms) && b === Math.max(...froms)) nodeMask[k] = 1;
          sample.set(`${type}.nodes.${n}`, nodeMask);
          for (const t of terms)
            sample.set(
              edgeKey(type, t.edge),
              Float32Array.from(OP_NAMES, (op) => (op === t.op ? 1 : 0)),
            );
        });
      }
      m.masks = sample;
      const discrete = tf.tidy(() => m.forward(x, opts('discrete')));
      assertClose(hard, discrete, 1e-5, 1e-5, 'hard vs discrete');
      tf.dispose([value, ...Object.values(grads), hard, discrete]);
    } finally {
      tf.dispose([x, r]);
      m.dispose();
    }
  });

  it('never computes pruned candidates', function () {
    const m = createSupernet(TINY, { seed: 3 });
    const masks = new Map(m.masks);
    for (const [k, v] of masks)
      if (k.includes('.edges.'))
        masks.set(
          k,
          Float32Array.from(v, (b, i) => (OP_NAMES[i].startsWith('sep_conv') ? 0 : b)),
        );
    masks.set('normal.nodes.1', Float32Array.from([1, 0, 0]));
    m.masks = masks;
    const x = randomBatch(2, 8, 1);
    try {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(m.forward(x, opts('soft', 3))),
        [...m.weights.values()],
      );
      const normal = (m.lastComputed as NonNullable<Supernet['lastComputed']>).normal;
      assert.ok(normal.flat().every((t) => !t.op.startsWith('sep_conv')));
      assert.deepEqual([...new Set(normal[1].map((t) => t.edge))], [2, 3]);
      for (const [name, v] of m.weights)
        if (name.includes('sep_conv')) assert.equal(grads[v.name], undefined, name);
      assert.equal(grads[(m.weights.get('cells.0.edges.4.dil_conv_3x3.dw') as tf.Variable).name], undefined);
      assert.equal(isParamLive(m, 'cells.0.edges.4.dil_conv_3x3.dw', 4), false, 'edge of no live pair');
      assert.equal(isParamLive(m, 'cells.0.edges.2.sep_conv_5x5.pw1', 4), false, 'pruned op');
      assert.equal(isParamLive(m, 'cells.0.edges.2.dil_conv_3x3.dw', 4), true);
      assert.equal(isParamLive(m, 'stem.conv', 4), true);
      const live = new Set(liveParamNames(m, 4));
      assert.ok(
        live.has('cells.0.edges.3.avg_pool_3x3.bn.running_mean') &&
          !live.has('cells.0.edges.4.avg_pool_3x3.bn.running_mean'),
      );
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it("a genotype's masks make every mode compute exactly it, and discrete mode is the derived network", function () {
    const m = createSupernet(TINY, { seed: 4 });
    const x = randomBatch(2, 8, 1);
    try {
      const derivedMasks = genotypeToMasks(deriveModelGenotype(m), m.config);
      const discrete = m.forward(x, opts('discrete'));
      m.masks = derivedMasks;
      const viaMasks = m.forward(x, opts('hard', 2));
      assertClose(discrete, viaMasks, 1e-5, 1e-5, 'discrete vs derived masks');
      m.masks = genotypeToMasks(parseDartsGenotype(DARTS_V2), m.config);
      const outs = MODES.map((mode) => m.forward(x, opts(mode, 9)));
      for (const o of outs.slice(1)) assertClose(o, outs[0], 1e-5, 1e-5, 'modes under genotype masks');
      tf.dispose([discrete, viaMasks, ...outs]);
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it('passes a finite-difference check of the gradient w.r.t. alphas and weights (soft mode)', function () {
    this.timeout(120_000);
    const m = createSupernet(TINY, { seed: 7 });
    const x = randomBatch(2, 8, 1, 3);
    const r = randomBatch(1, 1, 6, 4).reshape([2, 3]) as tf.Tensor2D;
    const f = () => lossOf(m, x, r, opts('soft', 11, 1));
    const check = (vars: tf.Variable[], eps: number, tol: number, what: string) => {
      const rng = new Rng(what);
      const raw = vars.map((v) => Float32Array.from({ length: v.size }, () => rng.normal()));
      const len = Math.sqrt(raw.reduce((a, d) => a + d.reduce((b, z) => b + z * z, 0), 0));
      const dirs = vars.map((v, i) =>
        tf.tensor(
          raw[i].map((z) => z / len),
          v.shape,
        ),
      ); // unit direction
      const { value, grads } = tf.variableGrads(f, vars);
      // a vector with one live candidate (node 0's single pair) has no gradient: it counts as 0
      const analytic = tf.tidy(() =>
        vars.reduce(
          (s, v, i) => s + (grads[v.name] ? tf.sum(tf.mul(grads[v.name], dirs[i])).dataSync()[0] : 0),
          0,
        ),
      );
      const shift = (sign: number) =>
        vars.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(dirs[i], sign * eps)))));
      shift(1);
      const up = tf.tidy(() => f().dataSync()[0]);
      shift(-2);
      const down = tf.tidy(() => f().dataSync()[0]);
      shift(1);
      const numeric = (up - down) / (2 * eps);
      assert.ok(
        Math.abs(numeric - analytic) <= tol * Math.max(Math.abs(numeric), Math.abs(analytic), 1e-3),
        `${what}: numeric ${numeric} vs analytic ${analytic}`,
      );
      tf.dispose([value, ...Object.values(grads), ...dirs]);
    };
    try {
      check([...m.alphas.values()], 1e-2, 1e-2, 'alphas');
      const names = [
        'cells.0.edges.2.sep_conv_3x3.pw2',
        'cells.1.edges.0.dil_conv_5x5.dw',
        'cells.2.edges.1.skip_connect.conv_2',
        'cells.0.pre1.conv',
      ];
      check(
        names.map((n) => m.weights.get(n) as tf.Variable),
        3e-3,
        1e-2,
        'weights',
      );
    } finally {
      tf.dispose([x, r]);
      m.dispose();
    }
  });

  it('keeps tf.memory().numTensors flat over 50 forward/backward steps', function () {
    this.timeout(120_000);
    const m = createSupernet({ ...TINY, nodes: 2 }, { seed: 8 });
    const x = randomBatch(2, 8, 1);
    const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).toFloat() as tf.Tensor2D;
    const rng = new Rng(1);
    try {
      trainStepForBench(m, x, y, { mode: 'hard', rng });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) {
        trainStepForBench(m, x, y, { mode: i % 10 === 9 ? 'soft' : 'hard', rng, tau: 2 });
        assert.equal(tf.memory().numTensors, before, `step ${i}`);
      }
    } finally {
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('rejects bad options and masks with named errors', function () {
    const m = createSupernet(TINY, { seed: 1 });
    const x = randomBatch(1, 8, 1);
    try {
      const bad = (o: Partial<ForwardOptions>, re: RegExp, xx: tf.Tensor4D = x) =>
        assert.throws(
          () => m.forward(xx, { ...opts('hard'), ...o } as ForwardOptions),
          (e: Error) => e.name === 'ForwardOptionsError' && re.test(e.message),
        );
      bad({ rng: undefined }, /opts.rng must be an Rng in hard mode/);
      bad({ mode: 'soft', tau: 0 }, /opts.tau must be a finite number > 0/);
      bad({ mode: 'fast' as RelaxMode }, /opts.mode must be/);
      const wrong = randomBatch(1, 6, 1);
      bad({}, /x must be a batch of shape \[B, 8, 8, 1\], found \[1, 6, 6, 1\]/, wrong);
      wrong.dispose();
      const masks = new Map(m.masks);
      masks.set('normal.edges.0', new Float32Array(8));
      m.masks = masks;
      assert.throws(() => m.forward(x, opts('softmax')), {
        name: 'MaskError',
        message: /must keep a candidate/,
      });
      masks.set('normal.edges.0', new Float32Array(3).fill(1));
      assert.throws(() => m.forward(x, opts('softmax')), {
        name: 'MaskError',
        message: /must have length 8, found 3/,
      });
    } finally {
      x.dispose();
      m.dispose();
    }
  });
});
