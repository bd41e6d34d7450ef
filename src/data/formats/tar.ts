import { CorruptFileError, TruncatedFileError } from '../errors.js';

const BLOCK = 512;

/** A regular file inside a tar archive. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, as stored. */
  path: string;
  /** A view on the archive bytes (no copy). */
  data: Uint8Array;
}

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

function octal(bytes: Uint8Array, start: number, length: number, file: string): number {
  if (((bytes[start] as number) & 0x80) !== 0) {
    // GNU base-256 encoding for large sizes.
    let v = (bytes[start] as number) & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + (bytes[start + i] as number);
    return v;
  }
  const s = text(bytes, start, length).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new CorruptFileError(`Error in ${file}: expected an octal number in a tar header, found '${s}'.`);
  }
  return parseInt(s, 8);
}

function checksumOk(header: Uint8Array, stored: number): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
  return sum === stored;
}

/**
 * List the regular files of an uncompressed tar archive (ustar, GNU long names and pax `path`
 * records are understood; links, devices and directories are skipped).
 */
export function readTar(bytes: Uint8Array, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries;
    const stored = octal(header, 148, 8, file);
    if (!checksumOk(header, stored)) {
      throw new CorruptFileError(`Error in ${file}: tar header at byte ${offset} has a bad checksum.`);
    }
    const size = octal(header, 124, 12, file);
    const type = String.fromCharCode(header[156] as number);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) {
      throw new TruncatedFileError(
        `Error in ${file}: tar entry at byte ${offset} announces ${size} bytes, found ${bytes.length - dataStart}.`,
      );
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'));
      if (match) longName = match[1];
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === '0' || type === '\0' || type === '7') entries.push({ path: name, data });
  }
  throw new TruncatedFileError(`Error in ${file}: tar archive ends without its end-of-archive blocks.`);
}

function writeField(header: Uint8Array, start: number, length: number, value: string): void {
  header.set(Buffer.from(value, 'utf8').subarray(0, length), start);
}

/** Build a ustar archive of regular files (names up to 100 bytes; used by tests and tools). */
export function encodeTar(entries: TarEntry[]): Uint8Array {
  const total = entries.reduce((n, e) => n + BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK, 2 * BLOCK);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const e of entries) {
    const header = out.subarray(offset, offset + BLOCK);
    writeField(header, 0, 100, e.path);
    writeField(header, 100, 8, '0000644\0');
    writeField(header, 108, 8, '0000000\0');
    writeField(header, 116, 8, '0000000\0');
    writeField(header, 124, 12, `${e.data.length.toString(8).padStart(11, '0')}\0`);
    writeField(header, 136, 12, '00000000000\0');
    header[156] = '0'.charCodeAt(0);
    writeField(header, 257, 8, 'ustar\u000000');
    header.fill(32, 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    writeField(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    out.set(e.data, offset + BLOCK);
    offset += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}
