import { decodeTensors, type TensorEncoding, TENSOR_ENCODINGS } from './compression/container.js';
import { MalformedMessageError, MessageTooLargeError } from './errors.js';
import { sha256Hex } from './hash.js';
import type { UpdateHeaderMessage } from './messages/update-codec.js';

/**
 * Checks of an incoming update against what the aggregator expects. They never throw on bad input:
 * they return a typed rejection the caller logs and acks. The numeric aggregation rules (weighting,
 * robust statistics) live in `src/nas/aggregate`, not here.
 */

/** Why an update was refused. */
export type RejectionReason =
  | 'wrong-federation'
  | 'not-allowlisted'
  | 'not-member'
  | 'sender-mismatch'
  | 'stale-round'
  | 'future-round'
  | 'base-mismatch'
  | 'encoding-not-allowed'
  | 'bad-sample-count'
  | 'too-large'
  | 'size-mismatch'
  | 'hash-mismatch'
  | 'malformed'
  | 'unknown-tensor'
  | 'missing-tensor'
  | 'shape-mismatch'
  | 'non-finite'
  | 'norm-exceeded';

/** Outcome of a check. */
export type Verdict = { ok: true } | { ok: false; reason: RejectionReason; detail: string };

/** Outcome of a body check: the decoded tensors when accepted. */
export type BodyVerdict =
  | { ok: true; encoding: TensorEncoding; tensors: Record<string, Float32Array> }
  | { ok: false; reason: RejectionReason; detail: string };

/** Default number of past rounds whose updates are still accepted (0: current round only). */
export const DEFAULT_MAX_ROUND_LAG = 0;

/** Default largest sample count a peer may claim. */
export const DEFAULT_MAX_SAMPLE_COUNT = 10_000_000;

/** What the aggregator expects from an update. */
export interface UpdateSpec {
  federation: string;
  /** The round being aggregated. */
  round: number;
  /** Updates for rounds in `[round - maxRoundLag, round]` are fresh (default `DEFAULT_MAX_ROUND_LAG`). */
  maxRoundLag?: number;
  /** Expected tensors: name → shape. */
  tensors: Readonly<Record<string, readonly number[]>>;
  /** Every tensor must be present (default false: pruned candidates may be omitted). */
  requireAll?: boolean;
  /** Encodings accepted (default: all). */
  encodings?: readonly TensorEncoding[];
  /** Largest body accepted (default: `maxContainerBytes(tensors)`, the worst case of any encoding). */
  maxBodyBytes?: number;
  maxSampleCount?: number;
  /** Upper bound on the L2 norm of the update over all tensors (default: none). */
  normBound?: number;
  /** Expected base model hash; '' or undefined skips the check. */
  baseHash?: string;
  /** Peers of the federation allowed to contribute this round (e.g. the sampled participants). */
  members?: ReadonlySet<string>;
  /** Federation allowlist; undefined means open to any holder of the federation key. */
  allowlist?: ReadonlySet<string>;
}

const OK: Verdict = { ok: true };

/** Check an update header received from `remotePeer` against `spec`. */
export function validateUpdateHeader(
  header: UpdateHeaderMessage,
  remotePeer: string,
  spec: UpdateSpec,
): Verdict {
  if (header.federation !== spec.federation) {
    return reject('wrong-federation', `federation must be ${spec.federation}, found ${header.federation}`);
  }
  if (header.sender !== remotePeer) {
    return reject('sender-mismatch', `sender must be the remote peer ${remotePeer}, found ${header.sender}`);
  }
  if (spec.allowlist !== undefined && !spec.allowlist.has(remotePeer)) {
    return reject('not-allowlisted', `sender must be on the allowlist, found ${remotePeer}`);
  }
  if (spec.members !== undefined && !spec.members.has(remotePeer)) {
    return reject('not-member', `sender must be a participant of round ${spec.round}, found ${remotePeer}`);
  }
  const lag = spec.maxRoundLag ?? DEFAULT_MAX_ROUND_LAG;
  if (header.round > spec.round)
    return reject('future-round', `round must be <= ${spec.round}, found ${header.round}`);
  if (header.round < spec.round - lag) {
    return reject('stale-round', `round must be >= ${spec.round - lag}, found ${header.round}`);
  }
  if (spec.baseHash && header.baseHash !== spec.baseHash) {
    return reject(
      'base-mismatch',
      `base hash must be ${spec.baseHash}, found ${header.baseHash || '(none)'}`,
    );
  }
  const encodings = spec.encodings ?? TENSOR_ENCODINGS;
  if (!encodings.includes(header.encoding)) {
    return reject(
      'encoding-not-allowed',
      `encoding must be one of ${encodings.join(', ')}, found ${header.encoding}`,
    );
  }
  const maxSamples = spec.maxSampleCount ?? DEFAULT_MAX_SAMPLE_COUNT;
  if (header.sampleCount < 1 || header.sampleCount > maxSamples) {
    return reject(
      'bad-sample-count',
      `sample count must be in [1, ${maxSamples}], found ${header.sampleCount}`,
    );
  }
  const maxBytes = spec.maxBodyBytes ?? maxContainerBytes(spec.tensors);
  if (header.bodyBytes > maxBytes)
    return reject('too-large', `body must be <= ${maxBytes} bytes, found ${header.bodyBytes}`);
  return OK;
}

/** Check a received body against its header (size, hash) and `spec` (names, shapes, finite, norm). */
export function validateUpdateBody(
  header: UpdateHeaderMessage,
  body: Uint8Array,
  spec: UpdateSpec,
): BodyVerdict {
  if (body.byteLength !== header.bodyBytes) {
    return reject(
      'size-mismatch',
      `body must be ${header.bodyBytes} bytes as announced, found ${body.byteLength}`,
    );
  }
  const hash = sha256Hex(body);
  if (hash !== header.bodyHash)
    return reject('hash-mismatch', `body hash must be ${header.bodyHash}, found ${hash}`);
  let decoded: ReturnType<typeof decodeTensors>;
  try {
    decoded = decodeTensors(body, { maxBytes: spec.maxBodyBytes ?? maxContainerBytes(spec.tensors) });
  } catch (err) {
    if (err instanceof MalformedMessageError) return reject('malformed', err.message);
    if (err instanceof MessageTooLargeError) return reject('too-large', err.message);
    throw err;
  }
  if (decoded.encoding !== header.encoding) {
    return reject(
      'malformed',
      `body encoding must be ${header.encoding} as announced, found ${decoded.encoding}`,
    );
  }
  const verdict = validateTensors(decoded.tensors, spec);
  return verdict.ok ? { ok: true, encoding: decoded.encoding, tensors: decoded.tensors } : verdict;
}

/** Check decoded tensors: known names, lengths matching shapes, finite values, norm bound. */
export function validateTensors(tensors: Record<string, Float32Array>, spec: UpdateSpec): Verdict {
  let sumSquares = 0;
  for (const [name, values] of Object.entries(tensors)) {
    const shape = Object.hasOwn(spec.tensors, name) ? spec.tensors[name] : undefined;
    if (shape === undefined)
      return reject('unknown-tensor', `tensor names must be in the spec, found ${name}`);
    const expected = elementCount(shape);
    if (values.length !== expected) {
      return reject(
        'shape-mismatch',
        `${name} must have ${expected} entries (shape [${shape.join(', ')}]), found ${values.length}`,
      );
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v))
        return reject('non-finite', `${name} must be finite, found ${v} at index ${i}`);
      sumSquares += v * v;
    }
  }
  if (spec.requireAll) {
    const missing = Object.keys(spec.tensors).filter((n) => !Object.hasOwn(tensors, n));
    if (missing.length > 0)
      return reject(
        'missing-tensor',
        `every spec tensor must be present, found ${missing.length} missing (${missing[0]}, ...)`,
      );
  }
  const norm = Math.sqrt(sumSquares);
  if (spec.normBound !== undefined && norm > spec.normBound) {
    return reject('norm-exceeded', `L2 norm must be <= ${spec.normBound}, found ${norm}`);
  }
  return OK;
}

/** Upper bound on the container bytes of `tensors` under any encoding (top-k with k = length is the worst). */
export function maxContainerBytes(tensors: Readonly<Record<string, readonly number[]>>): number {
  let total = 12;
  for (const [name, shape] of Object.entries(tensors)) {
    total += 2 + Buffer.byteLength(name, 'utf8') + 4 + 4 + 8 * elementCount(shape);
  }
  return total;
}

/** Number of entries of a tensor of `shape` (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function reject(
  reason: RejectionReason,
  detail: string,
): { ok: false; reason: RejectionReason; detail: string } {
  return { ok: false, reason, detail };
}
