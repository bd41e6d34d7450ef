import { FedMetaNasError } from '../errors.js';

/** Base class of the errors raised by the pure protocol layer (`src/protocol`). */
export class ProtocolError extends FedMetaNasError {}

/** An argument of a protocol function is out of its domain (empty view, bad fraction, ...). */
export class ProtocolArgumentError extends ProtocolError {}

/** An encoded message or blob is larger than the limit its decoder accepts. */
export class MessageTooLargeError extends ProtocolError {}

/** Bytes could not be decoded as the expected message (truncated, bad tags, bad magic, ...). */
export class MalformedMessageError extends ProtocolError {}

/** A message carries a wire version this build does not speak. */
export class UnsupportedVersionError extends ProtocolError {}

/** A decoded message has a field outside its allowed range (hash length, counts, names, ...). */
export class InvalidMessageFieldError extends ProtocolError {}

/** A value cannot be represented by the chosen compression (e.g. beyond the fp16 range, non-finite). */
export class CompressionError extends ProtocolError {}

/** A signature over a message does not verify against the claimed signer. */
export class SignatureError extends ProtocolError {}
