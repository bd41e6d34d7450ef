import * as tf from '@tensorflow/tfjs-core';
import { fullMasks } from '../genotype/masks.js';
import type { CandidateRef, ForwardOptions, SearchModel } from '../types.js';
import { planCell, type CellPlan } from './arch_plan.js';
import { type CellOutput, SearchCell } from './cell.js';
import { cellLayout, resolveSearchSpace, type SearchSpaceConfig } from './config.js';
import { conv2d } from './conv.js';
import { BatchNorm } from './layers/batch_norm.js';
import type { OpName } from './ops/names.js';
import { ParamStore } from './params.js';
import { alphaShapes, CELL_TYPES, type CellType } from './topology.js';
import { checkForward, checkMasks } from './validate.js';

/** DARTS / GDAS alpha initialisation: N(0, 1e-3^2). */
export const DEFAULT_ALPHA_INIT_STD = 1e-3;

export interface SupernetOptions {
  /** Seed of every initial weight and alpha (same seed and config = same model on every peer). */
  seed?: number;
  alphaInitStd?: number;
}

/** A computed candidate of the last forward pass: op `op` on edge `edge`. */
export interface ComputedCandidate {
  edge: number;
  op: OpName;
}

/**
 * The DARTS supernet with FedMetaNAS relaxation (implements `SearchModel`): stem (3x3 conv to
 * `stemMultiplier * C`, affine BN), `layers` cells, head (global average pool, linear). Names:
 * `stem.conv`, `stem.bn.*`, `cells.<i>.pre0|pre1.*`, `cells.<i>.edges.<e>.<op>.*`, `head.weight`
 * (`[in, classes]`), `head.bias`; alphas `<type>.edges.<e>` and `<type>.nodes.<n>`.
 */
export class Supernet implements SearchModel {
  readonly config: SearchSpaceConfig;
  readonly weights: Map<string, tf.Variable>;
  readonly alphas: Map<string, tf.Variable>;
  readonly buffers: Map<string, tf.Variable>;
  masks: Map<string, Float32Array>;
  /** Candidates computed by the last forward pass, per cell type and node (for logs and tests). */
  lastComputed: Record<CellType, ComputedCandidate[][]> | undefined;
  private readonly shapes: Map<string, number>;
  private readonly store: ParamStore;
  private readonly stemFilter: tf.Variable;
  private readonly stemBn: BatchNorm;
  private readonly cells: SearchCell[];
  private readonly headWeight: tf.Variable;
  private readonly headBias: tf.Variable;

  constructor(config: Partial<SearchSpaceConfig> = {}, opts: SupernetOptions = {}) {
    this.config = resolveSearchSpace(config);
    const { seed = 0, alphaInitStd = DEFAULT_ALPHA_INIT_STD } = opts;
    const c = this.config;
    const store = new ParamStore(seed);
    this.store = store;
    const cStem = c.stemMultiplier * c.channels;
    const stem = store.scope('stem');
    this.stemFilter = stem.convFilter('conv', [3, 3, c.inChannels, cStem]);
    this.stemBn = new BatchNorm(stem.child('bn'), cStem, true);
    const layout = cellLayout(c);
    this.cells = layout.map((l, i) => new SearchCell(store, i, l, c));
    const cLast = c.nodes * layout[layout.length - 1].c;
    const head = store.scope('head');
    this.headWeight = head.uniform('weight', [cLast, c.numClasses], 1 / Math.sqrt(cLast));
    this.headBias = head.uniform('bias', [c.numClasses], 1 / Math.sqrt(cLast));
    this.shapes = alphaShapes(c.nodes, c.ops.length);
    for (const [key, n] of this.shapes) store.alpha(key, n, alphaInitStd);
    this.weights = store.weights;
    this.buffers = store.buffers;
    this.alphas = store.alphas;
    this.masks = fullMasks(c);
  }

  /** The candidate a weight or buffer belongs to; undefined for stem, preprocessing and head. */
  candidateOf(weightName: string): CandidateRef | undefined {
    return this.store.candidateOf(weightName);
  }

  /** Logits `[batch, numClasses]` for an NHWC batch (see `RelaxMode` for the modes). */
  forward(x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    checkForward('Supernet.forward', x, opts, this.config);
    checkMasks('Supernet.forward', this.masks, this.shapes);
    const { training } = opts;
    return tf.tidy(() => {
      const plans = {} as Record<CellType, CellPlan>;
      for (const type of CELL_TYPES) {
        plans[type] = planCell({
          type,
          topology: this.cells[0].topology,
          ops: this.config.ops,
          alphas: this.alphas,
          masks: this.masks,
          mode: opts.mode,
          tau: opts.tau,
          rng: opts.rng,
          deriveRule: this.config.deriveRule,
        });
      }
      this.lastComputed = {
        normal: this.describe(plans.normal),
        reduce: this.describe(plans.reduce),
      };
      const stem = conv2d(x, this.stemFilter as tf.Tensor4D, { strides: 1, pad: 1, dilations: 1 });
      let s0: CellOutput = [this.stemBn.apply(stem, training)];
      let s1 = s0;
      for (const cell of this.cells) [s0, s1] = [s1, cell.forward(s0, s1, plans[cell.type], training)];
      const pooled = tf.concat(
        s1.map((p) => tf.mean(p, [1, 2])),
        1,
      ) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, this.headWeight as tf.Tensor2D), this.headBias) as tf.Tensor2D;
    });
  }

  private describe(plan: CellPlan): ComputedCandidate[][] {
    return plan.nodes.map((terms) => terms.map((t) => ({ edge: t.edge, op: this.config.ops[t.op] })));
  }

  /** Free every variable. */
  dispose(): void {
    this.store.dispose();
  }
}

/** Build a supernet for a (partial) search-space config. */
export function createSupernet(
  config: Partial<SearchSpaceConfig> = {},
  opts: SupernetOptions = {},
): Supernet {
  return new Supernet(config, opts);
}
