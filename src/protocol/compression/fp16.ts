import { CompressionError } from '../errors.js';

/** Largest finite IEEE 754 half-precision value. */
export const FP16_MAX = 65504;

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);
let decodeTable: Float32Array | undefined;

/**
 * IEEE 754 binary16 bits of every value (round to nearest, ties to even; subnormals kept). Relative
 * error is at most 2^-11 for |x| in [6.1e-5, 65504]; smaller values keep an absolute error <= 2^-25.
 * Throws `CompressionError` on a non-finite value or one that rounds beyond `FP16_MAX`.
 */
export function encodeFp16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const h = toHalfBits(values[i]);
    if ((h & 0x7c00) === 0x7c00) {
      throw new CompressionError(
        `Error in encodeFp16: values must be finite and within ±${FP16_MAX}, found ${values[i]} at index ${i}`,
      );
    }
    out[i] = h;
  }
  return out;
}

/** Float32 values of binary16 bits (exact: every half is a float). */
export function decodeFp16(bits: Uint16Array): Float32Array {
  const table = (decodeTable ??= buildDecodeTable());
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/** Binary16 bits of one number (infinities and NaN map to the half infinities / NaN). */
export function toHalfBits(x: number): number {
  scratchF32[0] = x;
  const bits = scratchU32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 112;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** The number encoded by binary16 bits. */
export function fromHalfBits(h: number): number {
  const sign = (h & 0x8000) !== 0 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m !== 0 ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

function buildDecodeTable(): Float32Array {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) table[h] = fromHalfBits(h);
  return table;
}
