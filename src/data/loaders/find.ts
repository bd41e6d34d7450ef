import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetNotFoundError } from '../errors.js';

/** The first of `names` that is a file in `dir`, or undefined. */
export function firstFile(dir: string, names: string[]): string | undefined {
  for (const n of names) {
    const p = join(dir, n);
    if (existsSync(p) && statSync(p).isFile()) return n;
  }
  return undefined;
}

/** The error for a dataset found in none of `dirs`, listing what was expected and how to get it. */
export function notFound(
  dataset: string,
  dirs: string[],
  expected: string,
  hint: string,
): DatasetNotFoundError {
  return new DatasetNotFoundError(
    `Error loading dataset '${dataset}': expected ${expected} in one of ${dirs.map((d) => `'${d}'`).join(', ')}, ` +
      `found none. ${hint}`,
  );
}
