import type { ModelState, TensorRecord } from '../../nas/state/types.js';
import { compressUpdate, decodeTensors, type TensorEncoding } from '../../protocol/compression/index.js';
import { PEER_INDEX_TENSOR } from './constants.js';
import { RuntimeConfigError, UpdateDecodeError } from './errors.js';

/**
 * Update bodies on the wire: a tensor container (`compressUpdate`) with one entry per weight, alpha and
 * buffer of the peer's state after its local update, named `<section>/<name>`, plus `meta/peer-index`
 * (the sender's peer index, which orders the updates at the aggregator exactly as the in-process harness
 * orders its peers). `fp32` sends the values themselves, so the aggregate is bit-identical to the
 * harness; `fp16`, `int8` and `topk` send the difference from the round's base model (what they
 * compress well) and the receiver adds it back. Masks are not sent: local updates never change them
 * (pruning happens only at the aggregator), so every update carries the base model's masks.
 */

/** The sections of a state an update carries. */
export const UPDATE_SECTIONS = ['weights', 'alphas', 'buffers'] as const;

/** Options of `encodeUpdateState`. */
export interface EncodeUpdateOptions {
  encoding: TensorEncoding;
  peerIndex: number;
  /** The round's base model: required by every encoding but `fp32` (deltas). */
  base?: ModelState;
  /** Top-k only: fraction kept per tensor. */
  ratio?: number;
  /** Top-k only: residual kept from the previous round (error feedback). */
  residual?: Record<string, Float32Array>;
}

/** An encoded update body and, for top-k, the residual to keep for the next round. */
export interface EncodedUpdate {
  encoding: TensorEncoding;
  body: Uint8Array;
  residual?: Record<string, Float32Array>;
}

/** A decoded update: the reconstructed state and the sender's peer index. */
export interface DecodedUpdate {
  state: ModelState;
  peerIndex: number;
  encoding: TensorEncoding;
}

/** Flat container name of a state tensor. */
export function updateTensorName(section: (typeof UPDATE_SECTIONS)[number], name: string): string {
  return `${section}/${name}`;
}

/** Encode a peer's state after its local update (see the module comment for the format). */
export function encodeUpdateState(state: ModelState, opts: EncodeUpdateOptions): EncodedUpdate {
  const fn = 'encodeUpdateState';
  const delta = opts.encoding !== 'fp32';
  if (delta && opts.base === undefined) {
    throw new RuntimeConfigError(
      `Error in ${fn}: base must be given for encoding ${opts.encoding}, found none`,
    );
  }
  if (!Number.isSafeInteger(opts.peerIndex) || opts.peerIndex < 0) {
    throw new RuntimeConfigError(
      `Error in ${fn}: peerIndex must be an integer >= 0, found ${opts.peerIndex}`,
    );
  }
  const tensors: Record<string, Float32Array> = {};
  for (const section of UPDATE_SECTIONS) {
    for (const [name, t] of Object.entries(state[section])) {
      if (!delta) {
        tensors[updateTensorName(section, name)] = t.data;
        continue;
      }
      const b = opts.base?.[section][name];
      if (b === undefined || b.data.length !== t.data.length) {
        throw new RuntimeConfigError(
          `Error in ${fn}: base must hold ${section}['${name}'] with ${t.data.length} values, found ${b?.data.length ?? 'none'}`,
        );
      }
      const d = new Float32Array(t.data.length);
      for (let i = 0; i < d.length; i++) d[i] = t.data[i] - b.data[i];
      tensors[updateTensorName(section, name)] = d;
    }
  }
  tensors[PEER_INDEX_TENSOR] = Float32Array.of(opts.peerIndex);
  const out = compressUpdate(tensors, {
    encoding: opts.encoding,
    ...(opts.ratio === undefined ? {} : { ratio: opts.ratio }),
    ...(opts.residual === undefined ? {} : { residual: opts.residual }),
  });
  return { encoding: out.encoding, body: out.bytes, ...(out.residual ? { residual: out.residual } : {}) };
}

/**
 * Rebuild a peer's state from an update body and the round's base model (shapes, masks and config hash
 * come from the base). Throws `UpdateDecodeError` on a tensor the base does not hold or of another length.
 */
export function decodeUpdateState(body: Uint8Array, base: ModelState): DecodedUpdate {
  const fn = 'decodeUpdateState';
  const { encoding, tensors } = decodeTensors(body);
  const index = tensors[PEER_INDEX_TENSOR];
  if (index === undefined || index.length !== 1) {
    throw new UpdateDecodeError(`Error in ${fn}: body must carry ${PEER_INDEX_TENSOR}, found none`);
  }
  const state: ModelState = {
    weights: {},
    alphas: {},
    buffers: {},
    masks: Object.fromEntries(Object.entries(base.masks).map(([k, m]) => [k, Float32Array.from(m)])),
    round: base.round + 1,
    configHash: base.configHash,
  };
  for (const [flat, values] of Object.entries(tensors)) {
    if (flat === PEER_INDEX_TENSOR) continue;
    const cut = flat.indexOf('/');
    const section = flat.slice(0, cut) as (typeof UPDATE_SECTIONS)[number];
    const name = flat.slice(cut + 1);
    const record: TensorRecord | undefined = (UPDATE_SECTIONS as readonly string[]).includes(section)
      ? base[section]
      : undefined;
    const b = record?.[name];
    if (b === undefined || b.data.length !== values.length) {
      throw new UpdateDecodeError(
        `Error in ${fn}: ${flat} must be a tensor of the base model with ${b?.data.length ?? '?'} values, found ${values.length} values${b === undefined ? ' and no such tensor' : ''}`,
      );
    }
    let data = values;
    if (encoding !== 'fp32') {
      data = new Float32Array(values.length);
      for (let i = 0; i < data.length; i++) data[i] = b.data[i] + values[i];
    }
    state[section][name] = { shape: [...b.shape], data };
  }
  return { state, peerIndex: Math.round(index[0]), encoding };
}
