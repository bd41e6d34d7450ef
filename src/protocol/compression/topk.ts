import { CompressionError, ProtocolArgumentError } from '../errors.js';

/** Default fraction of entries a top-k update keeps per tensor. */
export const DEFAULT_TOPK_RATIO = 0.01;

/** A sparse view of a dense tensor of `length` entries: `indices` strictly increasing. */
export interface SparseTensor {
  length: number;
  indices: Uint32Array;
  values: Float32Array;
}

/** Output of `compressTopK`: what to send and what the sender keeps for next round. */
export interface TopKResult {
  sparse: Record<string, SparseTensor>;
  /** Error feedback: `delta + previous residual - sent`, kept by the sender. */
  residual: Record<string, Float32Array>;
}

/** Number of entries kept out of `length` at `ratio` (at least 1 for a non-empty tensor). */
export function topKCount(length: number, ratio: number): number {
  if (!(ratio > 0 && ratio <= 1)) {
    throw new ProtocolArgumentError(`Error in topKCount: ratio must be in (0, 1], found ${ratio}`);
  }
  return length === 0 ? 0 : Math.min(length, Math.max(1, Math.ceil(length * ratio)));
}

/** The `k` entries of largest magnitude (ties: lower index first), indices ascending. */
export function topK(values: Float32Array, k: number): SparseTensor {
  if (!Number.isInteger(k) || k < 0 || k > values.length) {
    throw new ProtocolArgumentError(
      `Error in topK: k must be an integer in [0, ${values.length}], found ${k}`,
    );
  }
  const indices = new Uint32Array(k);
  const out = new Float32Array(k);
  if (k === 0) return { length: values.length, indices, values: out };
  const abs = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) abs[i] = Math.abs(values[i]);
  const threshold = kthLargest(abs.slice(), k);
  let above = 0;
  for (let i = 0; i < abs.length; i++) if (abs[i] > threshold) above++;
  let ties = k - above;
  let n = 0;
  for (let i = 0; i < values.length && n < k; i++) {
    if (abs[i] > threshold || (abs[i] === threshold && ties-- > 0)) {
      indices[n] = i;
      out[n] = values[i];
      n++;
    }
  }
  return { length: values.length, indices, values: out };
}

/** Dense tensor of a sparse one (zeros elsewhere). */
export function densify(sparse: SparseTensor): Float32Array {
  const out = new Float32Array(sparse.length);
  for (let i = 0; i < sparse.indices.length; i++) out[sparse.indices[i]] = sparse.values[i];
  return out;
}

/**
 * Top-k sparsification with error feedback. Per tensor, `acc = delta + residual` (residual zero when
 * absent), the top `ceil(ratio * length)` entries of `acc` are sent and the rest is the new residual,
 * so `sent + newResidual === delta + residual` exactly and nothing is lost over rounds. Throws
 * `CompressionError` on a non-finite entry.
 */
export function compressTopK(
  delta: Record<string, Float32Array>,
  residual: Record<string, Float32Array> | undefined,
  ratio: number = DEFAULT_TOPK_RATIO,
): TopKResult {
  const sparse: Record<string, SparseTensor> = {};
  const nextResidual: Record<string, Float32Array> = {};
  for (const [name, d] of Object.entries(delta)) {
    const r = residual?.[name];
    if (r !== undefined && r.length !== d.length) {
      throw new ProtocolArgumentError(
        `Error in compressTopK: residual of ${name} must have ${d.length} entries, found ${r.length}`,
      );
    }
    const acc = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      acc[i] = d[i] + (r === undefined ? 0 : r[i]);
      if (!Number.isFinite(acc[i])) {
        throw new CompressionError(
          `Error in compressTopK: ${name} must be finite, found ${acc[i]} at index ${i}`,
        );
      }
    }
    const s = topK(acc, topKCount(d.length, ratio));
    for (let i = 0; i < s.indices.length; i++) acc[s.indices[i]] = 0;
    sparse[name] = s;
    nextResidual[name] = acc;
  }
  return { sparse, residual: nextResidual };
}

/** k-th largest value of `a` (1-based), by in-place quickselect (Hoare partition, median of three). */
function kthLargest(a: Float32Array, k: number): number {
  const target = a.length - k; // index of the k-th largest in ascending order
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const pivot = median3(a[lo], a[mid], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

function median3(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
}
