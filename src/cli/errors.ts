import { FedMetaNasError } from '../errors.js';

/** A command line that does not parse: unknown command, unknown flag, bad value. */
export class UsageError extends FedMetaNasError {}
