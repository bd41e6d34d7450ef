import { FedMetaNasError } from '../errors.js';

/** Base class of the errors raised by the run layer (`src/run`). */
export class RunError extends FedMetaNasError {}

/** A simulated peer exited with an error, or too few peers finished. */
export class SimulationPeerError extends RunError {}

/** The simulation did not finish within its overall time limit. */
export class SimulationTimeoutError extends RunError {}

/** The simulation was interrupted (SIGINT or SIGTERM). */
export class SimulationInterruptedError extends RunError {}

/** A simulation option is out of its domain. */
export class SimulationConfigError extends RunError {}
