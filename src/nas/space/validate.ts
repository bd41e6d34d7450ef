import type * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../util/rng.js';
import { ForwardOptionsError, MaskError } from '../errors.js';
import type { ForwardOptions } from '../types.js';
import type { SearchSpaceConfig } from './config.js';

const MODES = ['hard', 'soft', 'softmax', 'discrete'];

/** Check forward options and the input batch; throws `ForwardOptionsError`. */
export function checkForward(
  fn: string,
  x: tf.Tensor4D,
  opts: ForwardOptions,
  config: SearchSpaceConfig,
): void {
  const bad = (arg: string, expected: string, found: unknown): never => {
    throw new ForwardOptionsError(`Error in ${fn}: ${arg} must be ${expected}, found ${found}`);
  };
  if (!opts || !MODES.includes(opts.mode)) bad('opts.mode', MODES.join(' | '), JSON.stringify(opts?.mode));
  if (typeof opts.training !== 'boolean') bad('opts.training', 'a boolean', opts.training);
  if (opts.mode === 'hard' || opts.mode === 'soft') {
    if (!(opts.tau > 0) || !Number.isFinite(opts.tau))
      bad('opts.tau', `a finite number > 0 in ${opts.mode} mode`, opts.tau);
    if (!(opts.rng instanceof Rng)) bad('opts.rng', `an Rng in ${opts.mode} mode`, opts.rng);
  }
  const s = config.imageSize;
  const shape = x?.shape ?? [];
  if (
    shape.length !== 4 ||
    shape[1] !== s ||
    shape[2] !== s ||
    shape[3] !== config.inChannels ||
    shape[0] < 1
  ) {
    bad('x', `a batch of shape [B, ${s}, ${s}, ${config.inChannels}]`, `[${shape.join(', ')}]`);
  }
}

/** Check masks against alpha shapes (keys, lengths, 0/1, at least one alive); throws `MaskError`. */
export function checkMasks(
  fn: string,
  masks: ReadonlyMap<string, Float32Array>,
  shapes: ReadonlyMap<string, number>,
): void {
  for (const [key, n] of shapes) {
    const m = masks.get(key);
    if (!m) throw new MaskError(`Error in ${fn}: masks must contain '${key}', found none`);
    if (m.length !== n)
      throw new MaskError(`Error in ${fn}: masks['${key}'] must have length ${n}, found ${m.length}`);
    let alive = 0;
    for (let i = 0; i < n; i++) {
      if (m[i] !== 0 && m[i] !== 1)
        throw new MaskError(`Error in ${fn}: masks['${key}'] must hold 0/1, found ${m[i]}`);
      alive += m[i];
    }
    if (alive === 0) throw new MaskError(`Error in ${fn}: masks['${key}'] must keep a candidate, found none`);
  }
  if (masks.size !== shapes.size) {
    const extra = [...masks.keys()].find((k) => !shapes.has(k));
    throw new MaskError(`Error in ${fn}: masks must have only alpha keys, found '${extra}'`);
  }
}
