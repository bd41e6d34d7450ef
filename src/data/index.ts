/** Datasets, non-IID partitioners, per-peer splits and the input pipeline. */
export * from './errors.js';
export * from './types.js';
export { classCounts, createImageSet, imageSize, selectSamples } from './image-set.js';
export * from './stats.js';
export * from './registry.js';
export { downloadDataset, DOWNLOADS, verifyChecksum, extractTarGz } from './download.js';
export type { Checksum, DownloadFile, DownloadOptions, DownloadSpec, FetchLike } from './download.js';
export { loadMnistPackage, MNIST_CLASS_NAMES } from './loaders/mnist-package.js';
export { loadIdxDataset, IDX_FILE_NAMES } from './loaders/idx.js';
export { loadCifar10, loadCifar100 } from './loaders/cifar.js';
export {
  CIFAR10_CLASS_NAMES,
  CIFAR100_CLASS_NAMES,
  CIFAR100_COARSE_CLASS_NAMES,
} from './loaders/cifar-names.js';
export { loadImageFolder, DEFAULT_FOLDER_TEST_FRACTION, type FolderOptions } from './loaders/folder.js';
export { cacheDir, sharedDataDir, FASHION_MNIST_SYSTEM_DIR } from './paths.js';
export * from './partition/types.js';
export { partition, shardFor, parsePartitionScheme, describeSpec, withDefaults } from './partition/index.js';
export { iidPartition } from './partition/iid.js';
export * from './partition/dirichlet.js';
export * from './partition/skew.js';
export * from './partition/shards.js';
export * from './partition/file.js';
export { parsePartitionSpec } from './partition/spec.js';
export * from './split.js';
export * from './pipeline/augment.js';
export * from './pipeline/pack.js';
export * from './pipeline/batch.js';
export * from './report.js';
