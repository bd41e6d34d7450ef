import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import assert from 'node:assert/strict';
import type { ModelState } from '../../../src/nas/state/types.js';
import { MemoryEventLog } from '../../../src/node/events.js';
import { ClaimBook, type Claim } from '../../../src/node/runtime/claims.js';
import { PEER_INDEX_TENSOR } from '../../../src/node/runtime/constants.js';
import { UpdateDecodeError } from '../../../src/node/runtime/errors.js';
import { UpdateInbox } from '../../../src/node/runtime/inbox.js';
import { decodeUpdateState, encodeUpdateState } from '../../../src/node/runtime/update-codec.js';
import { Wakeup } from '../../../src/node/runtime/wake.js';
import { sha256Hex } from '../../../src/protocol/hash.js';
import { rankAggregators } from '../../../src/protocol/election.js';
import type { UpdateHeaderMessage } from '../../../src/protocol/messages/index.js';
import { fakePeers, randomTensor } from '../../protocol/fixtures.js';

const FED = 'fed-updates';

function state(seed: string, round = 3): ModelState {
  return {
    weights: { 'stem.conv': { shape: [20, 30], data: randomTensor(600, `${seed}w`) } },
    alphas: { 'normal.edges.0': { shape: [4], data: randomTensor(4, `${seed}a`) } },
    buffers: { 'stem.bn.mean': { shape: [3], data: randomTensor(3, `${seed}b`) } },
    masks: { 'normal.edges.0': Float32Array.of(1, 0, 1, 1) },
    round,
    configHash: 'cfg',
  };
}

describe('node/runtime/update-codec', () => {
  const base = state('base');
  const local = state('local', 4);

  it('fp32 carries the values themselves: decoding gives back the exact state, masks from the base', () => {
    const { body, encoding } = encodeUpdateState(local, { encoding: 'fp32', peerIndex: 7 });
    const d = decodeUpdateState(body, base);
    assert.equal(encoding, 'fp32');
    assert.equal(d.peerIndex, 7);
    assert.deepEqual(d.state.weights, local.weights);
    assert.deepEqual(d.state.alphas, local.alphas);
    assert.deepEqual(d.state.buffers, local.buffers);
    assert.deepEqual(d.state.masks, base.masks);
    assert.deepEqual([d.state.round, d.state.configHash], [4, 'cfg']);
  });

  for (const encoding of ['fp16', 'int8', 'topk'] as const) {
    it(`${encoding} sends deltas from the base and the receiver adds them back`, () => {
      const { body } = encodeUpdateState(local, { encoding, peerIndex: 2, base, ratio: 1 });
      const d = decodeUpdateState(body, base);
      assert.equal(d.peerIndex, 2);
      const got = d.state.weights['stem.conv'].data;
      const want = local.weights['stem.conv'].data;
      const tol = encoding === 'int8' ? 0.05 : 0.01;
      want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < tol, `${encoding}[${i}] ${got[i]} vs ${v}`));
    });
  }

  it('top-k keeps the residual for error feedback', () => {
    const out = encodeUpdateState(local, { encoding: 'topk', peerIndex: 0, base, ratio: 0.2 });
    assert.ok(out.residual !== undefined);
    assert.ok(Object.values(out.residual).some((r) => r.some((v) => v !== 0)));
    assert.ok(
      out.body.byteLength < encodeUpdateState(local, { encoding: 'fp32', peerIndex: 0 }).body.byteLength,
    );
  });

  it('refuses a delta encoding without a base, and a tensor the base does not hold', () => {
    assert.throws(() => encodeUpdateState(local, { encoding: 'int8', peerIndex: 0 }), /base must be given/);
    const other: ModelState = {
      ...local,
      weights: { ...local.weights, extra: { shape: [1], data: Float32Array.of(1) } },
    };
    const { body } = encodeUpdateState(other, { encoding: 'fp32', peerIndex: 0 });
    assert.throws(
      () => decodeUpdateState(body, base),
      (e: Error) =>
        e instanceof UpdateDecodeError && /weights\/extra must be a tensor of the base model/.test(e.message),
    );
  });
});

describe('node/runtime/inbox', () => {
  let self = '';
  let alice = '';
  before(async () => {
    [self, alice] = await Promise.all(
      [0, 1].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()),
    );
  });
  const base = state('base');
  const baseHash = sha256Hex(new TextEncoder().encode('base'));
  const tensors = {
    'weights/stem.conv': [20, 30],
    'alphas/normal.edges.0': [4],
    'buffers/stem.bn.mean': [3],
    [PEER_INDEX_TENSOR]: [1],
  };
  const body = encodeUpdateState(state('alice', 4), { encoding: 'fp32', peerIndex: 1, base }).body;
  // `alice` is read when headers are built (inside the tests).
  const header = (round: number, hash = baseHash): UpdateHeaderMessage => ({
    federation: FED,
    round,
    sender: alice,
    sampleCount: 50,
    baseHash: hash,
    encoding: 'fp32',
    bodyBytes: body.byteLength,
    chunkCount: 1,
    chunkBytes: body.byteLength,
    bodyHash: sha256Hex(body),
  });

  it('answers future-round while behind, stale-round once ahead, base-mismatch on another model', () => {
    const inbox = new UpdateInbox({ federation: FED, tensors, events: new MemoryEventLog() });
    assert.equal(inbox.checkHeader(header(0), alice).ok, false);
    assert.deepEqual((inbox.checkHeader(header(0), alice) as { reason: string }).reason, 'future-round');
    inbox.open(2, baseHash);
    assert.equal((inbox.checkHeader(header(1), alice) as { reason: string }).reason, 'stale-round');
    assert.equal(
      (inbox.checkHeader(header(2, sha256Hex(body)), alice) as { reason: string }).reason,
      'base-mismatch',
    );
    assert.equal(inbox.checkHeader(header(2), alice).ok, true);
  });

  it('holds valid updates (one per sender), wakes the state machine, and drops them on the next round', async () => {
    const wake = new Wakeup();
    const log = new MemoryEventLog();
    const inbox = new UpdateInbox({ federation: FED, tensors, events: log, wake });
    inbox.open(2, baseHash);
    const woken = wake.wait(5000);
    const verdict = inbox.onUpdate({ header: header(2), body, from: peerIdFromString(alice), ms: 1 });
    await woken;
    assert.equal(verdict.ok, true);
    inbox.onUpdate({ header: header(2), body, from: peerIdFromString(alice), ms: 1 });
    inbox.addLocal(self, { sampleCount: 10, encoding: 'fp32', body });
    assert.deepEqual([...inbox.senders()].sort(), [alice, self].sort());
    assert.equal(log.events.filter((e) => e.msg === 'update-held').length, 2);
    inbox.open(3, baseHash);
    assert.equal(inbox.updates().length, 0);
  });

  it('refuses a body that does not match the spec', () => {
    const inbox = new UpdateInbox({
      federation: FED,
      tensors: { ...tensors, 'weights/stem.conv': [30, 30] },
      events: new MemoryEventLog(),
    });
    inbox.open(2, baseHash);
    const v = inbox.onUpdate({ header: header(2), body, from: peerIdFromString(alice), ms: 1 });
    assert.deepEqual([v.ok, (v as { reason: string }).reason], [false, 'shape-mismatch']);
  });
});

describe('node/runtime/claims', () => {
  const peers = fakePeers(4);
  const claim = (aggregator: string, hash: string, contributors: string[]): Claim => ({
    round: 5,
    aggregator,
    contentHash: hash,
    contributors,
    size: 10,
    sampleCount: 10,
    receivedAt: 0,
    source: 'announcement',
  });

  it('settles conflicting claims the same way whatever the arrival order', () => {
    const ranking = rankAggregators({ federation: FED, peers }, 5);
    const a = claim(ranking[0], 'a'.repeat(64), peers.slice(0, 2));
    const b = claim(ranking[1], 'b'.repeat(64), peers.slice(0, 3));
    const c = claim(ranking[2], 'c'.repeat(64), peers.slice(0, 3));
    const book = new ClaimBook(FED);
    assert.equal(book.add(a), true);
    assert.equal(book.add(a), false, 'duplicates ignored');
    book.add(c);
    book.add(b);
    assert.equal(
      book.winner(book.forRound(5)).contentHash,
      b.contentHash,
      'more contributors, then better rank',
    );
    assert.equal(book.winner([c, b, a]).contentHash, b.contentHash);
    assert.equal(book.beats(b, a), true);
    assert.equal(book.latestRound(), 5);
    book.forgetBefore(6);
    assert.equal(book.latestRound(), -1);
  });
});
