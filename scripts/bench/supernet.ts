import * as tf from '@tensorflow/tfjs-core';
import { disposeGrads, lossAndGrads } from '../../src/nas/learn/grads.js';
import { crossEntropy } from '../../src/nas/learn/loss.js';
import { createOptimizer } from '../../src/nas/learn/optimizer.js';
import { BENCH_SMALL, PAPER_CIFAR10, type SearchSpaceConfig } from '../../src/nas/space/config.js';
import { createSupernet } from '../../src/nas/space/supernet.js';
import type { RelaxMode } from '../../src/nas/types.js';
import { Rng } from '../../src/util/rng.js';
import type { BenchCase, BenchSuite } from './registry.js';

const BATCH = 32;
const MODES: RelaxMode[] = ['hard', 'soft'];

const CONFIGS: { name: string; space: SearchSpaceConfig; heavy: boolean }[] = [
  { name: 'bench-small', space: BENCH_SMALL, heavy: false },
  { name: 'paper-cifar10', space: PAPER_CIFAR10, heavy: true },
];

/**
 * Cases marked heavy (the paper-scale space, soft mode) are skipped on the pure-JS cpu backend unless
 * `--heavy` or a `--filter` asks for them: a soft step takes minutes there.
 *
 * One supernet training step: forward in `mode` (Gumbel temperature 1), cross-entropy, gradients of
 * every weight and alpha, and an SGD-momentum update of both — what one task-learner step costs.
 */
function trainStepCase(name: string, space: SearchSpaceConfig, mode: RelaxMode, heavy: boolean): BenchCase {
  return {
    name: `supernet/${name}/${mode}`,
    shape: {
      n: BATCH,
      h: space.imageSize,
      w: space.imageSize,
      c_in: space.inChannels,
      layers: space.layers,
      channels: space.channels,
      nodes: space.nodes,
    },
    attrs: { mode, ops: space.ops.length },
    heavy,
    setup() {
      const model = createSupernet(space, { seed: 1 });
      const rng = new Rng(1);
      const x = tf.randomNormal(
        [BATCH, space.imageSize, space.imageSize, space.inChannels],
        0,
        1,
        'float32',
        1,
      );
      const y = tf.tensor1d(
        Array.from({ length: BATCH }, (_, i) => i % space.numClasses),
        'int32',
      );
      const params = new Map([...model.weights, ...model.alphas]);
      const opt = createOptimizer({ kind: 'sgd', lr: 0.01, momentum: 0.9 });
      return {
        images: BATCH,
        run() {
          const { grads } = lossAndGrads(params, () =>
            crossEntropy(model.forward(x as tf.Tensor4D, { mode, tau: 1, training: true, rng }), y),
          );
          opt.step(params, grads);
          disposeGrads(grads);
        },
        dispose() {
          opt.dispose();
          model.dispose();
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

/** `supernet/<config>/<mode>` cases: images/s of a training step at batch 32. */
export const supernetSuite: BenchSuite = {
  name: 'supernet',
  cases: () =>
    CONFIGS.flatMap((c) => MODES.map((m) => trainStepCase(c.name, c.space, m, c.heavy || m === 'soft'))),
};
