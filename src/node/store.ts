import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isContentHash, sha256Hex } from '../protocol/hash.js';
import { BlobStoreError } from './errors.js';

/** Blobs (global models, update bodies) addressed by their hex SHA-256. */
export interface BlobStore {
  has(hash: string): Promise<boolean>;
  /** The blob, or undefined when absent. */
  get(hash: string): Promise<Uint8Array | undefined>;
  /** Store `bytes`; returns its hash. Idempotent. */
  put(bytes: Uint8Array): Promise<string>;
  delete(hash: string): Promise<boolean>;
  list(): Promise<string[]>;
}

/** A blob store in memory. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();

  async has(hash: string): Promise<boolean> {
    return this.blobs.has(hash);
  }

  async get(hash: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(hash);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    if (!this.blobs.has(hash)) this.blobs.set(hash, bytes.slice());
    return hash;
  }

  async delete(hash: string): Promise<boolean> {
    return this.blobs.delete(hash);
  }

  async list(): Promise<string[]> {
    return [...this.blobs.keys()].sort();
  }
}

/**
 * A blob store persisted as `<dir>/<hash>` files (written to a temporary name, then renamed, so a crash
 * never leaves a partial blob under its hash). Reads re-verify the hash: a corrupted file raises
 * `BlobStoreError` instead of serving wrong bytes.
 */
export class FsBlobStore implements BlobStore {
  private ready: Promise<void> | undefined;

  constructor(readonly dir: string) {}

  async has(hash: string): Promise<boolean> {
    try {
      await stat(this.pathOf('has', hash));
      return true;
    } catch {
      return false;
    }
  }

  async get(hash: string): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.pathOf('get', hash)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const actual = sha256Hex(bytes);
    if (actual !== hash) {
      throw new BlobStoreError(
        `Error in FsBlobStore.get: blob ${hash} must hash to its name, found ${actual} on disk`,
      );
    }
    return bytes;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    const path = this.pathOf('put', hash);
    if (await this.has(hash)) return hash;
    await this.ensureDir();
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    return hash;
  }

  async delete(hash: string): Promise<boolean> {
    const existed = await this.has(hash);
    await rm(this.pathOf('delete', hash), { force: true });
    return existed;
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter(isContentHash).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  private pathOf(fn: string, hash: string): string {
    if (!isContentHash(hash)) {
      throw new BlobStoreError(
        `Error in FsBlobStore.${fn}: hash must be 64 lowercase hex digits, found ${JSON.stringify(hash.slice(0, 80))}`,
      );
    }
    return join(this.dir, hash);
  }
}
