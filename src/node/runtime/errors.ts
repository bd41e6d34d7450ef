import { NodeError } from '../errors.js';
import type { Claim } from './claims.js';

/** Base class of the errors raised by the round runtime (`src/node/runtime`). */
export class RuntimeError extends NodeError {}

/** A runtime option is out of its domain. */
export class RuntimeConfigError extends RuntimeError {}

/** The trainer worker failed: it threw, exited, or could not start. */
export class TrainerError extends RuntimeError {}

/** A trainer call did not finish within its time limit (or was aborted). */
export class TrainerTimeoutError extends RuntimeError {}

/** At start, the federation did not show up (too few peers and no round in progress) in time. */
export class PeerStartTimeoutError extends RuntimeError {}

/** A round did not end (no eligible announcement adopted) within the longest round time. */
export class RoundTimeoutError extends RuntimeError {}

/** A better announcement for the previous round arrived: the current round restarts from its model. */
export class RoundRestartError extends RuntimeError {
  constructor(
    message: string,
    readonly claim: Claim,
  ) {
    super(message);
  }
}

/** The checkpoint in the data dir is unreadable or belongs to another run. */
export class CheckpointError extends RuntimeError {}

/** An update body does not decode into a model state against the round's base model. */
export class UpdateDecodeError extends RuntimeError {}

/** The announced global model could not be pulled or does not decode. */
export class ModelPullError extends RuntimeError {}

/** The runtime was stopped while waiting. */
export class PeerStoppedError extends RuntimeError {}
