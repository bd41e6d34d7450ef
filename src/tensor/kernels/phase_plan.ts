/**
 * Polyphase plan of a transposed convolution along one axis. The gradient of a convolution with
 * stride `s`, dilation `d` and padding `p` with respect to its input splits, by the phase
 * `r = (i + p) mod s` of the input position `i`, into `s` stride-1 convolutions of `dy` with the
 * taps `t` of the filter whose `t * d = r (mod s)`, reversed: no zero is inserted and no product wasted.
 */
export interface AxisPhase {
  /** Filter taps in the order the phase convolution applies them (descending). Empty: the phase is zero. */
  taps: number[];
  /** Dilation of the phase convolution, `d / gcd(d, s)`. */
  dilation: number;
  /** Leading `dy` positions the phase never reads (cropped before the convolution). */
  cropBefore: number;
  /** Zeros added before / after the (cropped) `dy`. */
  padBefore: number;
  padAfter: number;
  /** Output length of the phase convolution before it is cut to `AxisPlan.count`. */
  convLength: number;
}

/** Plan of one axis: `stride` phases of `count` outputs each, interleaved then cut at `offset`. */
export interface AxisPlan {
  stride: number;
  count: number;
  /** First wanted position in the interleaved output (the input position 0). */
  offset: number;
  phases: AxisPhase[];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Plan the transposed convolution of one axis: `inLength` input positions (the gradient's length),
 * `outLength` positions of `dy`, filter size `filter`, `stride`, `dilation`, padding before `pad`.
 */
export function planAxis(
  inLength: number,
  outLength: number,
  filter: number,
  stride: number,
  dilation: number,
  pad: number,
): AxisPlan {
  const q0 = Math.floor(pad / stride);
  const q1 = Math.ceil((pad + inLength) / stride);
  const count = q1 - q0;
  const phaseDilation = dilation / gcd(dilation, stride);
  const phases: AxisPhase[] = [];
  for (let r = 0; r < stride; r++) {
    const ascending: number[] = [];
    for (let t = 0; t < filter; t++) if ((t * dilation - r) % stride === 0) ascending.push(t);
    const empty: AxisPhase = {
      taps: [],
      dilation: phaseDilation,
      cropBefore: 0,
      padBefore: 0,
      padAfter: 0,
      convLength: count,
    };
    if (ascending.length === 0) {
      phases.push(empty);
      continue;
    }
    const eMax = (ascending[ascending.length - 1] * dilation - r) / stride;
    const base = q0 - eMax;
    const cropBefore = Math.max(0, base);
    const padBefore = Math.max(0, -base);
    const cropped = outLength - cropBefore;
    const span = (ascending.length - 1) * phaseDilation;
    if (cropped <= 0 || padBefore >= count + span) {
      phases.push(empty);
      continue;
    }
    const padAfter = Math.max(0, count + span - padBefore - cropped);
    phases.push({
      taps: ascending.reverse(),
      dilation: phaseDilation,
      cropBefore,
      padBefore,
      padAfter,
      convLength: padBefore + cropped + padAfter - span,
    });
  }
  return { stride, count, offset: pad - stride * q0, phases };
}
