import { FedMetaNasError } from '../errors.js';

/** Base class of every error thrown by `src/data`. */
export class DataError extends FedMetaNasError {}

/** A dataset name that is not one of the known datasets (nor `folder:<path>`). */
export class UnknownDatasetError extends DataError {}

/** The files of a dataset are not where they were looked for. */
export class DatasetNotFoundError extends DataError {}

/** A dataset could not be downloaded (offline, HTTP error, ...). */
export class DatasetDownloadError extends DataError {}

/** A downloaded file does not have the published checksum. */
export class ChecksumMismatchError extends DataError {}

/** A file does not start with the magic number of its format. */
export class BadMagicError extends DataError {}

/** A file ends before the data its header (or its format) announces. */
export class TruncatedFileError extends DataError {}

/** A file is inconsistent or cannot be decoded (bad gzip, bad image, counts that disagree, ...). */
export class CorruptFileError extends DataError {}

/** A label is outside `[0, numClasses)`. */
export class LabelOutOfRangeError extends DataError {}

/** A class folder of an image-folder dataset holds no image. */
export class EmptyClassFolderError extends DataError {}

/** The images of an image-folder dataset do not all have the same size (and no resize was asked for). */
export class ImageSizeMismatchError extends DataError {}

/** A parameter of a partitioner, a split or the input pipeline is out of its domain. */
export class InvalidDataParameterError extends DataError {}

/** There are fewer samples than a partition needs (more peers than samples, a class too small, ...). */
export class TooFewSamplesError extends DataError {}

/** Dirichlet redraws never gave every peer the minimum shard size. */
export class MinShardSizeUnreachableError extends DataError {}

/** A partition JSON file is malformed or does not match the dataset or parameters it is used with. */
export class PartitionFileError extends DataError {}

/** Bad command-line flags for `fedmetanas data`. */
export class DataUsageError extends DataError {}
