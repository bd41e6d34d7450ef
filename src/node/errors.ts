import { FedMetaNasError } from '../errors.js';

/** Base class of the errors raised by the peer runtime (`src/node`). */
export class NodeError extends FedMetaNasError {}

/** The identity key file exists but does not hold a private key. */
export class IdentityFileError extends NodeError {}

/** The pre-shared federation key file is missing or not a libp2p PSK. */
export class PskFileError extends NodeError {}

/** A blob store read or write failed, or a stored blob does not match its hash. */
export class BlobStoreError extends NodeError {}

/** A blob transferred from a holder does not hash to the requested content hash. */
export class BlobHashMismatchError extends NodeError {}

/** A holder sent a header or chunks inconsistent with the protocol (sizes, counts, status). */
export class TransferProtocolError extends NodeError {}

/** No holder could deliver a blob; `causes` holds one error per holder tried. */
export class BlobUnavailableError extends NodeError {
  constructor(
    message: string,
    readonly causes: readonly unknown[],
  ) {
    super(message, { cause: causes[causes.length - 1] });
  }
}

/** The remote aggregator refused an update; `reason` is the typed rejection it sent. */
export class UpdateRejectedError extends NodeError {
  constructor(
    message: string,
    readonly reason: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

/** A gossip publish reached no peer (gossipsub resolves with `recipients: []` instead of failing). */
export class NoRecipientsError extends NodeError {}

/** A payload meant for gossip is too large (gossipsub silently drops RPCs of 4 MiB or more). */
export class GossipPayloadTooLargeError extends NodeError {}

/** A network wait timed out. */
export class NetworkTimeoutError extends NodeError {}

/** A holder answered that it does not have the requested blob (or is busy). */
export class BlobNotFoundError extends NodeError {}
