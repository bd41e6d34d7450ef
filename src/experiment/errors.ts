import { FedMetaNasError } from '../errors.js';

/** An experiment preset, flag or grid that cannot run (unknown preset, bad partition label, ...). */
export class ExperimentConfigError extends FedMetaNasError {}

/** A results folder that belongs to another experiment (its plan differs from the one asked for). */
export class ExperimentMismatchError extends FedMetaNasError {}
