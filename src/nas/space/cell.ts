import * as tf from '@tensorflow/tfjs-core';
import type { CellPlan } from './arch_plan.js';
import type { CellLayout, SearchSpaceConfig } from './config.js';
import { FactorizedReduce } from './layers/factorized_reduce.js';
import { ReluConv1x1Bn } from './layers/relu_conv_bn.js';
import { OPS, type CandidateOp } from './ops/index.js';
import type { ParamStore } from './params.js';
import { type CellTopology, type CellType, cellTopology, edgeKey } from './topology.js';

/** A layer applied to a cell input given as channel parts. */
interface Preprocess {
  apply(parts: tf.Tensor4D[], training: boolean): tf.Tensor4D;
}

/**
 * A cell output: its intermediate nodes, whose channel concatenation is the DARTS cell output. The
 * concatenation is never materialised: consumers (1x1 convs, factorized reduce, global pooling) work on
 * the parts, which saves a copy forward and a split backward.
 */
export type CellOutput = tf.Tensor4D[];

/**
 * One searchable cell (`cells.<i>`): preprocessing of the two inputs (`pre0`: 1x1 ReLU-conv-BN, or a
 * factorized reduce after a reduction; `pre1`: 1x1 ReLU-conv-BN), every candidate op on every edge
 * (`cells.<i>.edges.<e>.<op>`, stride 2 on edges from the inputs of a reduction cell), and the output
 * concatenation of all intermediate nodes (kept as parts, see `CellOutput`). Which candidates run is
 * decided by a `CellPlan`.
 */
export class SearchCell {
  readonly type: CellType;
  readonly topology: CellTopology;
  private readonly pre0: Preprocess;
  private readonly pre1: Preprocess;
  /** `ops[edge][k]` for the k-th op of the config. */
  private readonly ops: CandidateOp[][];

  constructor(
    store: ParamStore,
    readonly index: number,
    readonly layout: CellLayout,
    config: SearchSpaceConfig,
  ) {
    this.type = layout.reduction ? 'reduce' : 'normal';
    this.topology = cellTopology(config.nodes);
    const { cPrevPrev, cPrev, c } = layout;
    const p = `cells.${index}`;
    this.pre0 = layout.reductionPrev
      ? new FactorizedReduce(store.scope(`${p}.pre0`), cPrevPrev, c, false)
      : new ReluConv1x1Bn(store.scope(`${p}.pre0`), cPrevPrev, c, false);
    this.pre1 = new ReluConv1x1Bn(store.scope(`${p}.pre1`), cPrev, c, false);
    this.ops = this.topology.edges.map((e) =>
      config.ops.map((name, k) =>
        OPS[name]({
          scope: store.scope(`${p}.edges.${e.index}.${name}`, {
            alphaKey: edgeKey(this.type, e.index),
            index: k,
          }),
          channels: c,
          stride: layout.reduction && e.from < 2 ? 2 : 1,
        }),
      ),
    );
  }

  /** The cell output (nodes `[B, outSize, outSize, C]`) for inputs `s0` (cell k-2) and `s1` (cell k-1). */
  forward(s0: CellOutput, s1: CellOutput, plan: CellPlan, training: boolean): CellOutput {
    const { outSize, c } = this.layout;
    const batch = s1[0].shape[0];
    const states: (tf.Tensor4D | undefined)[] = [undefined, undefined];
    const inputs = [s0, s1];
    const pre = [this.pre0, this.pre1];
    const state = (i: number): tf.Tensor4D => {
      // Inputs are preprocessed lazily: a hard sample may not use one of them at all.
      states[i] ??= pre[i].apply(inputs[i], training);
      return states[i] as tf.Tensor4D;
    };
    for (let n = 0; n < this.topology.nodes; n++) {
      const parts: tf.Tensor4D[] = [];
      for (const t of plan.nodes[n]) {
        const y = this.ops[t.edge][t.op].apply(state(this.topology.edges[t.edge].from), training, t.coef);
        if (y) parts.push(y);
      }
      states.push(
        parts.length === 0
          ? tf.zeros([batch, outSize, outSize, c])
          : parts.length === 1
            ? parts[0]
            : tf.addN(parts),
      );
    }
    return states.slice(2) as tf.Tensor4D[];
  }
}
