import { TruncatedFileError } from '../errors.js';

/** Side of a CIFAR image. */
export const CIFAR_SIDE = 32;
/** Pixel bytes of one CIFAR record: 3 planes of 32x32. */
export const CIFAR_PIXELS = 3 * CIFAR_SIDE * CIFAR_SIDE;

/** Labels and NHWC pixels decoded from a CIFAR binary file. */
export interface CifarRecords {
  count: number;
  /** One array per label byte: `[label]` for CIFAR-10, `[coarse, fine]` for CIFAR-100. */
  labels: Int32Array[];
  /** NHWC uint8 pixels. */
  images: Uint8Array;
}

/**
 * Decode the official CIFAR "binary version": fixed records of `labelBytes` label bytes (1 for
 * CIFAR-10; 2 for CIFAR-100, coarse then fine) followed by 3072 pixel bytes as red, green and blue
 * 32x32 planes (CHW), which are transposed to HWC here.
 */
export function parseCifar(bytes: Uint8Array, labelBytes: number, file: string): CifarRecords {
  const recordSize = labelBytes + CIFAR_PIXELS;
  if (bytes.length === 0 || bytes.length % recordSize !== 0) {
    throw new TruncatedFileError(
      `Error in ${file}: expected a whole number of ${recordSize}-byte CIFAR records ` +
        `(${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${CIFAR_PIXELS} pixels), found ${bytes.length} bytes ` +
        `(${Math.floor(bytes.length / recordSize)} records and ${bytes.length % recordSize} bytes over).`,
    );
  }
  const count = bytes.length / recordSize;
  const labels = Array.from({ length: labelBytes }, () => new Int32Array(count));
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let r = 0; r < count; r++) {
    const base = r * recordSize;
    for (let l = 0; l < labelBytes; l++) (labels[l] as Int32Array)[r] = bytes[base + l] as number;
    const px = base + labelBytes;
    const out = r * CIFAR_PIXELS;
    for (let p = 0; p < plane; p++) {
      images[out + 3 * p] = bytes[px + p] as number;
      images[out + 3 * p + 1] = bytes[px + plane + p] as number;
      images[out + 3 * p + 2] = bytes[px + 2 * plane + p] as number;
    }
  }
  return { count, labels, images };
}

/** Serialise records in the CIFAR binary layout from NHWC pixels (used by tests and tools). */
export function encodeCifar(labels: Int32Array[], images: Uint8Array): Uint8Array {
  const count = (labels[0] as Int32Array).length;
  const recordSize = labels.length + CIFAR_PIXELS;
  const out = new Uint8Array(count * recordSize);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let r = 0; r < count; r++) {
    const base = r * recordSize;
    labels.forEach((l, j) => (out[base + j] = l[r] as number));
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        out[base + labels.length + c * plane + p] = images[r * CIFAR_PIXELS + 3 * p + c] as number;
      }
    }
  }
  return out;
}
