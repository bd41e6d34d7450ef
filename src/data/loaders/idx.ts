import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptFileError } from '../errors.js';
import { maybeGunzip } from '../formats/gzip.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from '../formats/idx.js';
import { createImageSet } from '../image-set.js';
import type { Dataset, ImageSet, Normalization } from '../types.js';
import { firstFile, notFound } from './find.js';

/** Base names of the four IDX files of MNIST and Fashion-MNIST. */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

type IdxRole = keyof typeof IDX_FILE_NAMES;

/** Accepted spellings of a base name: raw or `.gz`, and the `train-images.idx3-ubyte` variant. */
function variants(base: string): string[] {
  const dotted = base.replace(/-(idx\d)/, '.$1');
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

/** The four IDX files found together in `dir`, or undefined. */
export function findIdxFiles(dir: string): Record<IdxRole, string> | undefined {
  const found: Partial<Record<IdxRole, string>> = {};
  for (const role of Object.keys(IDX_FILE_NAMES) as IdxRole[]) {
    const f = firstFile(dir, variants(IDX_FILE_NAMES[role]));
    if (!f) return undefined;
    found[role] = f;
  }
  return found as Record<IdxRole, string>;
}

/** Describes one IDX dataset (MNIST or Fashion-MNIST). */
export interface IdxDatasetInfo {
  name: string;
  classNames: readonly string[];
  normalization: Normalization;
  /** Appended to the not-found error: how to get the files. */
  hint: string;
}

async function readPart(
  dir: string,
  imagesFile: string,
  labelsFile: string,
  numClasses: number,
): Promise<ImageSet> {
  const imagesPath = join(dir, imagesFile);
  const labelsPath = join(dir, labelsFile);
  const images = parseIdx(maybeGunzip(await readFile(imagesPath), imagesPath), IDX_IMAGES_MAGIC, imagesPath);
  const labels = parseIdx(maybeGunzip(await readFile(labelsPath), labelsPath), IDX_LABELS_MAGIC, labelsPath);
  if (images.dims.length !== 3) {
    throw new CorruptFileError(
      `Error in ${imagesPath}: expected 3 dimensions [n, rows, cols], found [${images.dims.join(', ')}].`,
    );
  }
  const [n, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) {
    throw new CorruptFileError(
      `Error in ${labelsPath}: expected ${n} labels (one per image of ${imagesFile}), found ${labels.dims[0]}.`,
    );
  }
  return createImageSet(
    { height, width, channels: 1 },
    new Uint8Array(images.data),
    Int32Array.from(labels.data),
    numClasses,
    labelsPath,
  );
}

/**
 * Load a dataset stored as the four MNIST IDX files (raw or gzip, magic 2051 for images and 2049
 * for labels) from the first of `dirs` that holds all four.
 */
export async function loadIdxDataset(info: IdxDatasetInfo, dirs: string[]): Promise<Dataset> {
  for (const dir of dirs) {
    const files = findIdxFiles(dir);
    if (!files) continue;
    const numClasses = info.classNames.length;
    const train = await readPart(dir, files.trainImages, files.trainLabels, numClasses);
    const test = await readPart(dir, files.testImages, files.testLabels, numClasses);
    if (test.height !== train.height || test.width !== train.width) {
      throw new CorruptFileError(
        `Error in ${join(dir, files.testImages)}: expected ${train.height}x${train.width} images like the train ` +
          `images, found ${test.height}x${test.width}.`,
      );
    }
    return {
      name: info.name,
      height: train.height,
      width: train.width,
      channels: 1,
      numClasses,
      classNames: info.classNames,
      train,
      test,
      normalization: info.normalization,
      source: { kind: 'idx', location: dir, files: Object.values(files) },
    };
  }
  const expected = Object.values(IDX_FILE_NAMES)
    .map((b) => `${b}[.gz]`)
    .join(', ');
  throw notFound(info.name, dirs, `the IDX files ${expected}`, info.hint);
}
