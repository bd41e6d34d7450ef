import { compressTopK, DEFAULT_TOPK_RATIO } from './topk.js';
import { encodeSparseTensors, encodeTensors, type TensorEncoding } from './container.js';

export * from './fp16.js';
export * from './int8.js';
export * from './topk.js';
export * from './container.js';

/** Options of `compressUpdate`. */
export interface CompressOptions {
  encoding: TensorEncoding;
  /** Top-k only: fraction of entries sent per tensor (default `DEFAULT_TOPK_RATIO`). */
  ratio?: number;
  /** Top-k only: the residual kept from the previous round (error feedback). */
  residual?: Record<string, Float32Array>;
}

/** An encoded update and, for top-k, the residual the sender must keep for next round. */
export interface CompressedUpdate {
  encoding: TensorEncoding;
  bytes: Uint8Array;
  residual?: Record<string, Float32Array>;
}

/** Encode an update (usually a delta) with the chosen encoding; decode with `decodeTensors`. */
export function compressUpdate(
  tensors: Record<string, Float32Array>,
  options: CompressOptions,
): CompressedUpdate {
  if (options.encoding === 'topk') {
    const { sparse, residual } = compressTopK(tensors, options.residual, options.ratio ?? DEFAULT_TOPK_RATIO);
    return { encoding: 'topk', bytes: encodeSparseTensors(sparse), residual };
  }
  return { encoding: options.encoding, bytes: encodeTensors(tensors, options.encoding) };
}

/** Bytes of `tensors` under each encoding (top-k at `topkRatio`). */
export function measureEncodings(
  tensors: Record<string, Float32Array>,
  topkRatio: number = DEFAULT_TOPK_RATIO,
): Record<TensorEncoding, number> {
  return {
    fp32: encodeTensors(tensors, 'fp32').byteLength,
    fp16: encodeTensors(tensors, 'fp16').byteLength,
    int8: encodeTensors(tensors, 'int8').byteLength,
    topk: compressUpdate(tensors, { encoding: 'topk', ratio: topkRatio }).bytes.byteLength,
  };
}
