import assert from 'node:assert/strict';
import { compressUpdate, encodeTensors } from '../../src/protocol/compression/index.js';
import { sha256Hex } from '../../src/protocol/hash.js';
import type { UpdateHeaderMessage } from '../../src/protocol/messages/update-codec.js';
import {
  maxContainerBytes,
  validateTensors,
  validateUpdateBody,
  validateUpdateHeader,
  type UpdateSpec,
} from '../../src/protocol/validate.js';
import { fakePeer, randomTensor } from './fixtures.js';

const sender = fakePeer(1);
const spec: UpdateSpec = {
  federation: 'fed',
  round: 5,
  maxRoundLag: 1,
  tensors: { 'a.w': [4, 3], 'a.b': [3] },
  members: new Set([sender]),
  normBound: 100,
};
const tensors = { 'a.w': randomTensor(12, 1), 'a.b': randomTensor(3, 2) };

function headerFor(body: Uint8Array, over: Partial<UpdateHeaderMessage> = {}): UpdateHeaderMessage {
  return {
    federation: 'fed',
    round: 5,
    sender,
    sampleCount: 100,
    baseHash: '',
    encoding: 'fp32',
    bodyBytes: body.byteLength,
    chunkCount: 1,
    chunkBytes: 1 << 20,
    bodyHash: sha256Hex(body),
    ...over,
  };
}

describe('protocol/validate', () => {
  const body = encodeTensors(tensors, 'fp32');

  it('accepts a good header and body', () => {
    assert.deepEqual(validateUpdateHeader(headerFor(body), sender, spec), { ok: true });
    const v = validateUpdateBody(headerFor(body), body, spec);
    assert.ok(v.ok && v.tensors['a.b'].length === 3);
    const sparse = compressUpdate(tensors, { encoding: 'topk', ratio: 0.3 }).bytes;
    assert.ok(validateUpdateBody(headerFor(sparse, { encoding: 'topk' }), sparse, spec).ok);
  });

  const headerCases: [string, Partial<UpdateHeaderMessage>, string, UpdateSpec?][] = [
    ['wrong-federation', { federation: 'other' }, sender],
    ['sender-mismatch', {}, fakePeer(2)],
    ['not-member', { sender: fakePeer(2) }, fakePeer(2)],
    ['not-allowlisted', {}, sender, { ...spec, allowlist: new Set([fakePeer(9)]) }],
    ['future-round', { round: 6 }, sender],
    ['stale-round', { round: 3 }, sender],
    ['base-mismatch', {}, sender, { ...spec, baseHash: 'ab'.repeat(32) }],
    ['encoding-not-allowed', { encoding: 'int8' }, sender, { ...spec, encodings: ['fp32'] }],
    ['bad-sample-count', { sampleCount: 0 }, sender],
    ['too-large', { bodyBytes: maxContainerBytes(spec.tensors) + 1 }, sender],
  ];
  for (const [reason, over, remote, s] of headerCases) {
    it(`rejects a header: ${reason}`, () => {
      const v = validateUpdateHeader(headerFor(body, over), remote, s ?? spec);
      assert.ok(!v.ok && v.reason === reason, JSON.stringify(v));
    });
  }

  it('rejects bodies with typed reasons', () => {
    const reason = (h: UpdateHeaderMessage, b: Uint8Array, s = spec) => {
      const v = validateUpdateBody(h, b, s);
      return v.ok ? 'ok' : v.reason;
    };
    assert.equal(reason(headerFor(body, { bodyBytes: body.length + 1 }), body), 'size-mismatch');
    const flipped = body.slice();
    flipped[40] ^= 1;
    assert.equal(reason(headerFor(body), flipped), 'hash-mismatch');
    const junk = new Uint8Array(30);
    assert.equal(reason(headerFor(junk), junk), 'malformed');
    assert.equal(reason(headerFor(body, { encoding: 'fp16' }), body), 'malformed');
    const extra = encodeTensors({ ...tensors, 'x.y': new Float32Array(1) }, 'fp32');
    assert.equal(reason(headerFor(extra), extra), 'unknown-tensor');
    const wrongShape = encodeTensors({ 'a.w': new Float32Array(11) }, 'fp32');
    assert.equal(reason(headerFor(wrongShape), wrongShape), 'shape-mismatch');
    const nan = encodeTensors({ 'a.b': Float32Array.of(1, NaN, 2) }, 'fp32');
    assert.equal(reason(headerFor(nan), nan), 'non-finite');
    const huge = encodeTensors({ 'a.b': Float32Array.of(1000, 0, 0) }, 'fp32');
    assert.equal(reason(headerFor(huge), huge), 'norm-exceeded');
  });

  it('allows omitted (pruned) tensors unless requireAll', () => {
    const partial = { 'a.b': new Float32Array(3) };
    assert.deepEqual(validateTensors(partial, spec), { ok: true });
    const v = validateTensors(partial, { ...spec, requireAll: true });
    assert.ok(!v.ok && v.reason === 'missing-tensor');
  });

  it('does not treat prototype keys as tensor names', () => {
    const v = validateTensors(
      { constructor: new Float32Array(1) } as unknown as Record<string, Float32Array>,
      spec,
    );
    assert.ok(!v.ok && v.reason === 'unknown-tensor');
  });
});
