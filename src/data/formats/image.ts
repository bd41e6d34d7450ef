import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { CorruptFileError } from '../errors.js';

/** A decoded image as 8-bit RGBA. */
export interface RgbaImage {
  width: number;
  height: number;
  /** `height * width * 4` bytes. */
  rgba: Uint8Array;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Decode a PNG (pngjs) or JPEG (jpeg-js) file, recognised by its magic bytes, to RGBA. */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const format = isPng(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : undefined;
  if (!format) {
    const head = Buffer.from(bytes.subarray(0, 4)).toString('hex');
    throw new CorruptFileError(
      `Error in ${file}: expected a PNG (89504e47) or JPEG (ffd8ff) image, found bytes ${head || '(empty file)'}.`,
    );
  }
  try {
    if (format === 'PNG') {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (err) {
    throw new CorruptFileError(
      `Error in ${file}: expected a decodable ${format} image, found a damaged one (${(err as Error).message}).`,
      { cause: err },
    );
  }
}

/**
 * Write an RGBA image into `out` at `offset` with `channels` channels: 3 drops alpha, 1 converts to
 * luma (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B).
 */
export function writeChannels(img: RgbaImage, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const n = img.width * img.height;
  const src = img.rgba;
  for (let p = 0; p < n; p++) {
    const r = src[4 * p] as number;
    const g = src[4 * p + 1] as number;
    const b = src[4 * p + 2] as number;
    if (channels === 1) {
      out[offset + p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    } else {
      out[offset + 3 * p] = r;
      out[offset + 3 * p + 1] = g;
      out[offset + 3 * p + 2] = b;
    }
  }
}

/**
 * Bilinear resize of an RGBA image with half-pixel centres (the convention of
 * `tf.image.resizeBilinear(..., halfPixelCenters = true)` and PIL), edges clamped.
 */
export function resizeBilinear(img: RgbaImage, height: number, width: number): RgbaImage {
  if (img.height === height && img.width === width) return img;
  const out = new Uint8Array(height * width * 4);
  const sy = img.height / height;
  const sx = img.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const a = img.rgba[(y0 * img.width + x0) * 4 + c] as number;
        const b = img.rgba[(y0 * img.width + x1) * 4 + c] as number;
        const d = img.rgba[(y1 * img.width + x0) * 4 + c] as number;
        const e = img.rgba[(y1 * img.width + x1) * 4 + c] as number;
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        out[(y * width + x) * 4 + c] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width, height, rgba: out };
}
