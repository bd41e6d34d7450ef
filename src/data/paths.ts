import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the Debian package `dataset-fashion-mnist` installs its IDX files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/** The repository root (the folder of fedmetanas' package.json), found upwards from this module. */
export function repoRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'fedmetanas')
          return dir;
      } catch {
        // not ours: keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `../shared/data` relative to the repository root, when it exists. */
export function sharedDataDir(): string | undefined {
  const root = repoRoot();
  const dir = root ? resolve(root, '..', 'shared', 'data') : undefined;
  return dir && existsSync(dir) ? dir : undefined;
}

/**
 * Where downloads go when no `--data-dir` is given: `$FEDMETANAS_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/fedmetanas/datasets`, else `~/.cache/fedmetanas/datasets`.
 */
export function cacheDir(): string {
  if (process.env.FEDMETANAS_CACHE_DIR) return process.env.FEDMETANAS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'fedmetanas', 'datasets');
}

/**
 * Directories to look for a dataset in, in order. With `dataDir`: that folder and its sub-folder
 * `sub` only. Without: `system` folders, then `../shared/data/<sub>`, then the download cache.
 */
export function searchDirs(sub: string, dataDir?: string, system: string[] = []): string[] {
  if (dataDir) return [resolve(dataDir), resolve(dataDir, sub)];
  const shared = sharedDataDir();
  return [...system, ...(shared ? [join(shared, sub)] : []), join(cacheDir(), sub)];
}
