import { CompressionError } from '../errors.js';

/** A tensor quantised to int8 with one scale: `value ≈ q * scale`. */
export interface Int8Tensor {
  /** max |x| / 127 (0 for an all-zero tensor). */
  scale: number;
  q: Int8Array;
}

/**
 * Symmetric per-tensor int8 quantisation: `q = round(x / scale)` with `scale = max|x| / 127`, so every
 * value comes back within `scale / 2`. Throws `CompressionError` on a non-finite value.
 */
export function quantizeInt8(values: Float32Array): Int8Tensor {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (!Number.isFinite(a)) {
      throw new CompressionError(
        `Error in quantizeInt8: values must be finite, found ${values[i]} at index ${i}`,
      );
    }
    if (a > maxAbs) maxAbs = a;
  }
  // The scale travels as a float32: quantise with the value the decoder will see.
  const scale = Math.fround(maxAbs / 127);
  const q = new Int8Array(values.length);
  if (scale === 0) return { scale: 0, q };
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scale)));
  }
  return { scale, q };
}

/** Float32 values of an int8 tensor. */
export function dequantizeInt8(tensor: Int8Tensor): Float32Array {
  const out = new Float32Array(tensor.q.length);
  for (let i = 0; i < out.length; i++) out[i] = tensor.q[i] * tensor.scale;
  return out;
}
