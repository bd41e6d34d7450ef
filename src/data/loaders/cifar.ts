import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetNotFoundError } from '../errors.js';
import { CIFAR_PIXELS, CIFAR_SIDE, parseCifar } from '../formats/cifar.js';
import { createImageSet } from '../image-set.js';
import { CIFAR100_NORMALIZATION, CIFAR10_NORMALIZATION } from '../stats.js';
import type { Dataset, ImageSet } from '../types.js';
import { CIFAR100_CLASS_NAMES, CIFAR100_COARSE_CLASS_NAMES, CIFAR10_CLASS_NAMES } from './cifar-names.js';
import { firstFile, notFound } from './find.js';

/** The five official CIFAR-10 training batch files. */
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);
/** The CIFAR-10 test batch file. */
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** The CIFAR-100 binary files. */
export const CIFAR100_FILES = { train: 'train.bin', test: 'test.bin' } as const;

const SHAPE = { height: CIFAR_SIDE, width: CIFAR_SIDE, channels: 3 };

/** Class names from a one-name-per-line file when it holds exactly `n` names, else `fallback`. */
function namesFile(path: string, n: number, fallback: readonly string[]): readonly string[] {
  if (!existsSync(path)) return fallback;
  const names = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length === n ? names : fallback;
}

/** Read and concatenate CIFAR binary files (labels at `labelByte` of `labelBytes`). */
async function readFiles(
  dir: string,
  files: string[],
  labelBytes: number,
  numClasses: number,
): Promise<ImageSet> {
  const parts = [];
  for (const f of files) parts.push(parseCifar(await readFile(join(dir, f)), labelBytes, join(dir, f)));
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const fine = new Int32Array(count);
  const coarse = labelBytes === 2 ? new Int32Array(count) : undefined;
  let k = 0;
  for (const p of parts) {
    images.set(p.images, k * CIFAR_PIXELS);
    fine.set(p.labels[labelBytes - 1] as Int32Array, k);
    if (coarse) coarse.set(p.labels[0] as Int32Array, k);
    k += p.count;
  }
  const where = files.map((f) => join(dir, f)).join(', ');
  if (coarse)
    createImageSet(SHAPE, images, coarse, CIFAR100_COARSE_CLASS_NAMES.length, `${where} (coarse labels)`);
  return createImageSet(SHAPE, images, fine, numClasses, where, coarse);
}

/**
 * Load CIFAR-10 from the official binary files in the first of `dirs` holding any of them. Every
 * `data_batch_k.bin` present is used (at least one is needed), plus `test_batch.bin`; class names
 * come from `batches.meta.txt` when present.
 */
export async function loadCifar10(dirs: string[], hint: string): Promise<Dataset> {
  for (const dir of dirs) {
    const train = CIFAR10_TRAIN_FILES.filter((f) => firstFile(dir, [f]));
    const test = firstFile(dir, [CIFAR10_TEST_FILE]);
    if (train.length === 0 && !test) continue;
    if (train.length === 0 || !test) {
      throw new DatasetNotFoundError(
        `Error loading dataset 'cifar10' from '${dir}': expected ${CIFAR10_TEST_FILE} and at least one of ` +
          `${CIFAR10_TRAIN_FILES.join(', ')}, found only ${[...train, ...(test ? [test] : [])].join(', ')}. ${hint}`,
      );
    }
    const classNames = namesFile(join(dir, 'batches.meta.txt'), 10, CIFAR10_CLASS_NAMES);
    return {
      name: 'cifar10',
      ...SHAPE,
      numClasses: 10,
      classNames,
      train: await readFiles(dir, train, 1, 10),
      test: await readFiles(dir, [test], 1, 10),
      normalization: CIFAR10_NORMALIZATION,
      source: { kind: 'cifar', location: dir, files: [...train, test] },
    };
  }
  throw notFound('cifar10', dirs, `${CIFAR10_TEST_FILE} and data_batch_1..5.bin`, hint);
}

/**
 * Load CIFAR-100 from the official binary files `train.bin` and `test.bin` (records of coarse
 * label, fine label, 3072 pixels) in the first of `dirs` holding them. Labels are the 100 fine
 * classes; the 20 coarse labels are kept in `coarseLabels`.
 */
export async function loadCifar100(dirs: string[], hint: string): Promise<Dataset> {
  for (const dir of dirs) {
    const train = firstFile(dir, [CIFAR100_FILES.train]);
    const test = firstFile(dir, [CIFAR100_FILES.test]);
    if (!train && !test) continue;
    if (!train || !test) {
      throw new DatasetNotFoundError(
        `Error loading dataset 'cifar100' from '${dir}': expected ${CIFAR100_FILES.train} and ` +
          `${CIFAR100_FILES.test}, found only ${train ?? test}. ${hint}`,
      );
    }
    return {
      name: 'cifar100',
      ...SHAPE,
      numClasses: 100,
      classNames: namesFile(join(dir, 'fine_label_names.txt'), 100, CIFAR100_CLASS_NAMES),
      coarseClassNames: namesFile(join(dir, 'coarse_label_names.txt'), 20, CIFAR100_COARSE_CLASS_NAMES),
      train: await readFiles(dir, [train], 2, 100),
      test: await readFiles(dir, [test], 2, 100),
      normalization: CIFAR100_NORMALIZATION,
      source: { kind: 'cifar', location: dir, files: [train, test] },
    };
  }
  throw notFound('cifar100', dirs, `${CIFAR100_FILES.train} and ${CIFAR100_FILES.test}`, hint);
}
