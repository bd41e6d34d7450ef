import type { TensorInfo } from '@tensorflow/tfjs-core';
import { explicitPadding, type ConvGeometry } from './conv_geometry.js';
import type { KernelScope } from './kernel_scope.js';
import { planAxis, type AxisPhase } from './phase_plan.js';

/** `conv`: filter `[kh, kw, inC, outC]`; `depthwise`: filter `[kh, kw, inC, multiplier]`. */
export type ConvKind = 'conv' | 'depthwise';

/**
 * The sub-filter of one phase, in the layout of the stride-1 convolution that applies it to `dy`:
 * `[tapsH, tapsW, outC, inC]` for a conv, `[tapsH, tapsW, inC * multiplier, 1]` for a depthwise conv.
 */
function subFilter(
  w: Float32Array | Int32Array,
  g: ConvGeometry,
  kind: ConvKind,
  tapsH: number[],
  tapsW: number[],
): { values: Float32Array; shape: number[] } {
  const inC = g.inChannels;
  const outC = g.outChannels;
  const values = new Float32Array(tapsH.length * tapsW.length * inC * outC);
  let k = 0;
  for (const th of tapsH) {
    for (const tw of tapsW) {
      const base = (th * g.filterWidth + tw) * inC * (kind === 'conv' ? outC : outC / inC);
      if (kind === 'conv') {
        for (let co = 0; co < outC; co++)
          for (let ci = 0; ci < inC; ci++) values[k++] = w[base + ci * outC + co];
      } else {
        for (let c = 0; c < outC; c++) values[k++] = w[base + c];
      }
    }
  }
  const shape =
    kind === 'conv' ? [tapsH.length, tapsW.length, outC, inC] : [tapsH.length, tapsW.length, outC, 1];
  return { values, shape };
}

/** One phase: crop `dy`, apply the stride-1 sub-convolution, cut the output to the phase's size. */
function phaseOutput(
  scope: KernelScope,
  dy: TensorInfo,
  w: Float32Array | Int32Array,
  g: ConvGeometry,
  kind: ConvKind,
  ph: AxisPhase,
  pw: AxisPhase,
  countH: number,
  countW: number,
): TensorInfo | null {
  const channels = kind === 'conv' ? g.inChannels : g.outChannels;
  if (ph.taps.length === 0 || pw.taps.length === 0) return null;
  let input = dy;
  if (ph.cropBefore > 0 || pw.cropBefore > 0) {
    input = scope.run(
      'Slice',
      { x: dy },
      {
        begin: [0, ph.cropBefore, pw.cropBefore, 0],
        size: [g.batch, g.outHeight - ph.cropBefore, g.outWidth - pw.cropBefore, g.outChannels],
      },
    );
  }
  const f = subFilter(w, g, kind, ph.taps, pw.taps);
  const filter = scope.write(f.values, f.shape, 'float32');
  const attrs = {
    strides: [1, 1],
    pad: explicitPadding(ph.padBefore, ph.padAfter, pw.padBefore, pw.padAfter),
    dilations: [ph.dilation, pw.dilation],
    dataFormat: 'NHWC',
  };
  let out = scope.run(kind === 'conv' ? 'Conv2D' : 'DepthwiseConv2dNative', { x: input, filter }, attrs);
  if (ph.convLength !== countH || pw.convLength !== countW) {
    out = scope.run('Slice', { x: out }, { begin: [0, 0, 0, 0], size: [g.batch, countH, countW, channels] });
  }
  return out;
}

/**
 * Write phase `(rh, rw)` (shape `[batch, countH, countW, C]`) into `dst` (`[batch, H, W, C]`) at
 * rows `strideH * q + rh - offsetH` and columns `strideW * q' + rw - offsetW`, through heap views.
 */
function scatterPhase(
  dst: Float32Array,
  src: Float32Array,
  dstShape: number[],
  countH: number,
  countW: number,
  strideH: number,
  strideW: number,
  rowStart: number,
  colStart: number,
): void {
  const [n, h, w, c] = dstShape;
  for (let b = 0; b < n; b++) {
    for (let q = 0; q < countH; q++) {
      const r = strideH * q + rowStart;
      if (r < 0 || r >= h) continue;
      const srcRow = (b * countH + q) * countW;
      const dstRow = (b * h + r) * w;
      for (let p = 0; p < countW; p++) {
        const col = strideW * p + colStart;
        if (col < 0 || col >= w) continue;
        const so = (srcRow + p) * c;
        const dOff = (dstRow + col) * c;
        for (let k = 0; k < c; k++) dst[dOff + k] = src[so + k];
      }
    }
  }
}

/**
 * The gradient of a (depthwise) convolution with respect to its input, `dx` of shape
 * `[batch, inHeight, inWidth, C]` (depthwise: before the sum over the channel multiplier, which
 * the caller does), computed as `strideH * strideW` stride-1 convolutions on the backend's fast
 * forward kernels, written into place through heap views.
 */
export function transposedConv(
  scope: KernelScope,
  dy: TensorInfo,
  filterValues: Float32Array | Int32Array,
  g: ConvGeometry,
  kind: ConvKind,
): TensorInfo {
  const planH = planAxis(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop);
  const planW = planAxis(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft);
  const channels = kind === 'conv' ? g.inChannels : g.outChannels;
  const shape = [g.batch, g.inHeight, g.inWidth, channels];
  const phases: { out: TensorInfo | null; rh: number; rw: number }[] = [];
  planH.phases.forEach((ph, rh) =>
    planW.phases.forEach((pw, rw) =>
      phases.push({
        out: phaseOutput(scope, dy, filterValues, g, kind, ph, pw, planH.count, planW.count),
        rh,
        rw,
      }),
    ),
  );
  const only = phases[0].out;
  if (phases.length === 1 && only != null && planH.offset === 0 && planW.offset === 0) {
    if (only.shape[1] === g.inHeight && only.shape[2] === g.inWidth) return only;
  }
  const dx = scope.output(shape);
  const dst = scope.view(dx);
  if (phases.some((p) => p.out == null)) dst.fill(0);
  for (const { out, rh, rw } of phases) {
    if (out == null) continue;
    const src = scope.view(out);
    scatterPhase(
      dst,
      src,
      shape,
      planH.count,
      planW.count,
      planH.stride,
      planW.stride,
      rh - planH.offset,
      rw - planW.offset,
    );
  }
  return dx;
}
