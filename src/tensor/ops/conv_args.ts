import type * as tf from '@tensorflow/tfjs-core';
import { ConvArgumentError } from '../errors.js';
import type { ExplicitPadding } from '../kernels/conv_geometry.js';

/** Padding: TF's `same` / `valid`, equal zeros on every side, or explicit NHWC sides. */
export type ConvPadding = 'same' | 'valid' | number | ExplicitPadding;

/** Options of `conv2d` and `depthwiseConv2d`. Any stride and dilation, both > 1 included. */
export interface ConvOptions {
  /** `[strideHeight, strideWidth]` or one value for both. Default 1. */
  strides?: number | [number, number];
  /** Default `'same'`. */
  pad?: ConvPadding;
  /** `[dilationHeight, dilationWidth]` or one value for both. Default 1. */
  dilations?: number | [number, number];
  /** How to compute: `auto` (default) picks `direct` on wasm with the training kernels, else `decompose`. */
  strategy?: ConvStrategyChoice;
}

/** `direct`: one forward kernel plus the backward kernels; `decompose`: portable tf ops only. */
export type ConvStrategyChoice = 'auto' | 'direct' | 'decompose';

/** Default options, exported for callers that want to show or reuse them. */
export const DEFAULT_CONV_OPTIONS = { strides: 1, pad: 'same', dilations: 1, strategy: 'auto' } as const;

/** Validated arguments with explicit padding. */
export interface ConvSpec {
  op: string;
  strides: [number, number];
  dilations: [number, number];
  pads: { top: number; bottom: number; left: number; right: number };
  outShape: [number, number, number, number];
}

function fail(op: string, what: string, found: string): never {
  throw new ConvArgumentError(`Error in ${op}: ${what}, found ${found}.`);
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

function pair(op: string, name: string, v: number | [number, number]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((e) => isCount(e, 1))) {
    fail(op, `${name} must be a positive integer or a pair of them`, JSON.stringify(v));
  }
  return [p[0], p[1]];
}

function explicitSides(op: string, pad: ConvPadding): [number, number, number, number] | undefined {
  if (pad === 'same' || pad === 'valid') return undefined;
  if (isCount(pad, 0)) return [pad, pad, pad, pad];
  const ok =
    Array.isArray(pad) &&
    pad.length === 4 &&
    pad.every((p) => Array.isArray(p) && p.length === 2 && p.every((e) => isCount(e, 0))) &&
    pad[0][0] === 0 &&
    pad[0][1] === 0 &&
    pad[3][0] === 0 &&
    pad[3][1] === 0;
  if (!ok) {
    fail(
      op,
      "pad must be 'same', 'valid', a non-negative integer or [[0, 0], [top, bottom], [left, right], [0, 0]]",
      JSON.stringify(pad),
    );
  }
  return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
}

/** Validate `x`, `filter` and options of a conv op (`depthwise`: filter is `[kh, kw, inC, multiplier]`). */
export function convSpec(
  op: string,
  x: tf.Tensor,
  filter: tf.Tensor,
  options: ConvOptions,
  depthwise: boolean,
): ConvSpec {
  if (x.rank !== 4) fail(op, 'x must be rank 4 (NHWC)', `rank ${x.rank}`);
  if (filter.rank !== 4) fail(op, 'filter must be rank 4', `rank ${filter.rank}`);
  if (x.dtype !== 'float32') fail(op, 'x must be float32', x.dtype);
  if (filter.dtype !== 'float32') fail(op, 'filter must be float32', filter.dtype);
  const [n, h, w, c] = x.shape;
  const [kh, kw, fc, fo] = filter.shape;
  if (fc !== c) fail(op, `filter.shape[2] must equal the input channels ${c}`, String(fc));
  const strides = pair(op, 'strides', options.strides ?? DEFAULT_CONV_OPTIONS.strides);
  const dilations = pair(op, 'dilations', options.dilations ?? DEFAULT_CONV_OPTIONS.dilations);
  const pad = options.pad ?? DEFAULT_CONV_OPTIONS.pad;
  const effH = (kh - 1) * dilations[0] + 1;
  const effW = (kw - 1) * dilations[1] + 1;
  let sides = explicitSides(op, pad);
  if (sides == null) {
    if (pad === 'valid') sides = [0, 0, 0, 0];
    else {
      const alongH = Math.max(0, (Math.ceil(h / strides[0]) - 1) * strides[0] + effH - h);
      const alongW = Math.max(0, (Math.ceil(w / strides[1]) - 1) * strides[1] + effW - w);
      sides = [alongH >> 1, alongH - (alongH >> 1), alongW >> 1, alongW - (alongW >> 1)];
    }
  }
  const [top, bottom, left, right] = sides;
  const spanH = h + top + bottom;
  const spanW = w + left + right;
  if (spanH < effH || spanW < effW) {
    fail(
      op,
      `the padded input must be at least the dilated filter size ${effH}x${effW}`,
      `${spanH}x${spanW}`,
    );
  }
  const outH = Math.floor((spanH - effH) / strides[0]) + 1;
  const outW = Math.floor((spanW - effW) / strides[1]) + 1;
  const outC = depthwise ? c * fo : fo;
  return { op, strides, dilations, pads: { top, bottom, left, right }, outShape: [n, outH, outW, outC] };
}
