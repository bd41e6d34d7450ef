import { FedMetaNasError } from '../errors.js';

/** A backend was named that is not installed or cannot start here. */
export class BackendUnavailableError extends FedMetaNasError {}

/** A backend name that is not one of the known choices. */
export class UnknownBackendError extends FedMetaNasError {}

/** A composed kernel needs another kernel that the backend does not have. */
export class MissingKernelError extends FedMetaNasError {}

/** A kernel was called with inputs or attributes it does not support. */
export class KernelArgumentError extends FedMetaNasError {}

/** A conv op (`conv2d`, `depthwiseConv2d`) was called with an invalid argument. */
export class ConvArgumentError extends FedMetaNasError {}

/** tfjs-core's gradients could not be registered in this Node process. */
export class GradientsUnavailableError extends FedMetaNasError {}
