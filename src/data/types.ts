/** Height, width and channels of every image of a dataset. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * One part (train or test) of a dataset, in memory. Pixels stay `uint8` (0-255) in NHWC order until
 * batching, which converts to float32: 4x less memory than float pixels.
 */
export interface ImageSet extends ImageShape {
  /** `count * height * width * channels` bytes, NHWC. */
  images: Uint8Array;
  /** One label per image, in `[0, numClasses)`. */
  labels: Int32Array;
  count: number;
  /** CIFAR-100 only: the 20 super-class labels. */
  coarseLabels?: Int32Array;
}

/** Per-channel mean and standard deviation on the `[0, 1]` scale (pixel / 255). */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/** Where a dataset was read from. */
export interface DatasetSource {
  kind: 'npm' | 'idx' | 'cifar' | 'folder';
  /** A directory, or `npm:<package>`. */
  location: string;
  /** The files read, relative to `location`. */
  files: string[];
}

/** A labelled image-classification dataset with its train and test parts. */
export interface Dataset extends ImageShape {
  /** `mnist`, `fashion-mnist`, `cifar10`, `cifar100` or `folder:<path>`. */
  name: string;
  numClasses: number;
  classNames: readonly string[];
  /** CIFAR-100 only: the names of the 20 super-classes. */
  coarseClassNames?: readonly string[];
  train: ImageSet;
  /** The global test set used for evaluation. */
  test: ImageSet;
  /** The mean/std batches are normalised with by default. */
  normalization: Normalization;
  source: DatasetSource;
}
