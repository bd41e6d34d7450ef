import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  CorruptFileError,
  DatasetNotFoundError,
  EmptyClassFolderError,
  ImageSizeMismatchError,
  InvalidDataParameterError,
} from '../errors.js';
import { decodeImage, resizeBilinear, writeChannels } from '../formats/image.js';
import { createImageSet } from '../image-set.js';
import { computeNormalization } from '../stats.js';
import type { Dataset, ImageSet, ImageShape } from '../types.js';
import { Rng } from '../../util/rng.js';

/** Image files an image-folder dataset reads (case-insensitive extensions). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
/** Fraction of each class held out as test when the folder has no `train/` and `test/` sub-folders. */
export const DEFAULT_FOLDER_TEST_FRACTION = 0.2;

/** Options of `loadImageFolder`. */
export interface FolderOptions {
  /**
   * Resize every image to this size with bilinear interpolation. Without it, every image must have
   * the size of the first one, else `ImageSizeMismatchError`.
   */
  imageSize?: { height: number; width: number };
  /** 3 = RGB (alpha dropped), 1 = grayscale (BT.601 luma). Default 3. */
  channels?: 1 | 3;
  /** Held-out test fraction per class when there are no `train/` and `test/` sub-folders. Default 0.2. */
  testFraction?: number;
  /** Seed of that held-out split. Default 0. */
  seed?: number;
}

interface Sample {
  file: string;
  label: number;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function imagesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x)))
    .map((e) => join(dir, e.name))
    .sort();
}

function classFiles(dir: string, classes: string[]): string[][] {
  return classes.map((c) => {
    const files = imagesIn(join(dir, c));
    if (files.length === 0) {
      throw new EmptyClassFolderError(
        `Error in ${join(dir, c)}: expected at least one ${IMAGE_EXTENSIONS.join('/')} image in class folder '${c}', found none.`,
      );
    }
    return files;
  });
}

/** Split each class's files into train and test with a seeded shuffle (at least one train image per class). */
function holdOut(
  perClass: string[][],
  classes: string[],
  fraction: number,
  seed: number,
): [Sample[], Sample[]] {
  const train: Sample[] = [];
  const test: Sample[] = [];
  const rng = new Rng(seed).fork('folder-test-split');
  perClass.forEach((files, label) => {
    const order = rng.fork(classes[label] as string).shuffle(files.slice());
    const nTest = Math.min(Math.round(fraction * files.length), files.length - 1);
    const held = new Set(order.slice(0, nTest));
    for (const file of files) (held.has(file) ? test : train).push({ file, label });
  });
  return [train, test];
}

async function decodeAll(
  samples: Sample[],
  shape: ImageShape,
  resize: boolean,
  root: string,
): Promise<ImageSet> {
  const size = shape.height * shape.width * shape.channels;
  const images = new Uint8Array(samples.length * size);
  const labels = new Int32Array(samples.length);
  for (let k = 0; k < samples.length; k++) {
    const { file, label } = samples[k] as Sample;
    let img = decodeImage(await readFile(file), file);
    if (resize) img = resizeBilinear(img, shape.height, shape.width);
    else if (img.height !== shape.height || img.width !== shape.width) {
      throw new ImageSizeMismatchError(
        `Error in ${file}: expected ${shape.height}x${shape.width} (HxW) like the first image of '${root}', ` +
          `found ${img.height}x${img.width}; pass an image size (--image-size HxW) to resize all images.`,
      );
    }
    writeChannels(img, shape.channels as 1 | 3, images, k * size);
    labels[k] = label;
  }
  return { ...shape, images, labels, count: samples.length };
}

function checkOptions(opts: FolderOptions): void {
  const f = opts.testFraction ?? DEFAULT_FOLDER_TEST_FRACTION;
  if (!(f >= 0 && f < 1)) {
    throw new InvalidDataParameterError(
      `Error in loadImageFolder: testFraction must be in [0, 1), found ${f}.`,
    );
  }
  const s = opts.imageSize;
  if (s && !(Number.isInteger(s.height) && Number.isInteger(s.width) && s.height > 0 && s.width > 0)) {
    throw new InvalidDataParameterError(
      `Error in loadImageFolder: imageSize must be positive integers, found ${s.height}x${s.width}.`,
    );
  }
  if (opts.channels !== undefined && opts.channels !== 1 && opts.channels !== 3) {
    throw new InvalidDataParameterError(
      `Error in loadImageFolder: channels must be 1 or 3, found ${opts.channels}.`,
    );
  }
}

/**
 * Load an image-folder dataset: one sub-folder per class (sorted names = class indices), PNG or
 * JPEG images in each. If `root` has `train/` and `test/` sub-folders, each holds class folders and
 * gives that part; otherwise `testFraction` of each class is held out as test by a seeded shuffle.
 * Images must share one size unless `imageSize` asks for a bilinear resize. The normalisation is
 * the per-channel mean/std of the train part.
 */
export async function loadImageFolder(
  root: string,
  name: string,
  opts: FolderOptions = {},
): Promise<Dataset> {
  checkOptions(opts);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new DatasetNotFoundError(
      `Error loading dataset '${name}': expected a folder with one sub-folder of images per class at '${root}', found ${
        existsSync(root) ? 'a file' : 'nothing'
      }.`,
    );
  }
  const split = existsSync(join(root, 'train')) && existsSync(join(root, 'test'));
  const trainDir = split ? join(root, 'train') : root;
  const classes = subdirs(trainDir);
  if (classes.length === 0) {
    throw new DatasetNotFoundError(
      `Error loading dataset '${name}': expected one sub-folder of images per class in '${trainDir}', found none.`,
    );
  }
  let train: Sample[];
  let test: Sample[];
  if (split) {
    const testDir = join(root, 'test');
    const testClasses = subdirs(testDir);
    const unknown = testClasses.find((c) => !classes.includes(c));
    if (unknown) {
      throw new CorruptFileError(
        `Error in ${join(testDir, unknown)}: expected a class folder also present in '${trainDir}' ` +
          `(${classes.join(', ')}), found an unknown class '${unknown}'.`,
      );
    }
    train = classFiles(trainDir, classes).flatMap((fs, label) => fs.map((file) => ({ file, label })));
    test = classFiles(testDir, testClasses).flatMap((fs, k) =>
      fs.map((file) => ({ file, label: classes.indexOf(testClasses[k] as string) })),
    );
  } else {
    const perClass = classFiles(root, classes);
    [train, test] = holdOut(
      perClass,
      classes,
      opts.testFraction ?? DEFAULT_FOLDER_TEST_FRACTION,
      opts.seed ?? 0,
    );
  }
  const first = train[0] as Sample;
  const size = opts.imageSize ?? decodeImage(await readFile(first.file), first.file);
  const shape = { height: size.height, width: size.width, channels: opts.channels ?? 3 };
  const trainSet = await decodeAll(train, shape, opts.imageSize !== undefined, root);
  const testSet = await decodeAll(test, shape, opts.imageSize !== undefined, root);
  const files = [...train, ...test].map((s) => relative(root, s.file));
  return {
    name,
    ...shape,
    numClasses: classes.length,
    classNames: classes,
    train: createImageSet(shape, trainSet.images, trainSet.labels, classes.length, `${root} (train)`),
    test: createImageSet(shape, testSet.images, testSet.labels, classes.length, `${root} (test)`),
    normalization: computeNormalization(trainSet),
    source: { kind: 'folder', location: root, files },
  };
}
