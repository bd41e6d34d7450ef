import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys';
import { IdentityFileError, PskFileError, BlobStoreError } from '../../src/node/errors.js';
import { loadOrCreateIdentity } from '../../src/node/identity.js';
import { generatePsk, loadPskFile, writePskFile, PSK_BYTES } from '../../src/node/psk.js';
import { FsBlobStore, MemoryBlobStore } from '../../src/node/store.js';
import { sha256Hex } from '../../src/protocol/hash.js';

describe('node/local (identity, federation key, blob stores)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedmetanas-local-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('creates an Ed25519 identity once and loads the same one afterwards', async () => {
    const path = join(dir, 'sub', 'identity.key');
    const a = await loadOrCreateIdentity(path);
    const b = await loadOrCreateIdentity(path);
    assert.equal(a.type, 'Ed25519');
    assert.deepEqual(publicKeyToProtobuf(b.publicKey), publicKeyToProtobuf(a.publicKey));
    assert.ok(publicKeyFromProtobuf(publicKeyToProtobuf(a.publicKey)).equals(b.publicKey));
  });

  it('refuses a corrupt identity file with IdentityFileError', async () => {
    const path = join(dir, 'identity.key');
    await writeFile(path, 'not a key');
    await assert.rejects(loadOrCreateIdentity(path), IdentityFileError);
    assert.equal(await readFile(path, 'utf8'), 'not a key', 'never overwritten');
  });

  it('generates, writes and loads federation keys; refuses bad or existing files', async () => {
    const key = generatePsk();
    assert.equal(key.byteLength, PSK_BYTES);
    assert.notDeepEqual(generatePsk(), key);
    const path = join(dir, 'fed.psk');
    const written = await writePskFile(path);
    assert.deepEqual(await loadPskFile(path), written);
    await assert.rejects(writePskFile(path), PskFileError);
    await writeFile(join(dir, 'bad.psk'), '/key/swarm/psk/1.0.0/\n/base16/\nzz');
    await assert.rejects(loadPskFile(join(dir, 'bad.psk')), {
      name: 'PskFileError',
      message: /64 hex digits/,
    });
    await assert.rejects(loadPskFile(join(dir, 'missing.psk')), PskFileError);
  });

  for (const kind of ['memory', 'fs'] as const) {
    it(`${kind} blob store: put/get/has/list/delete by SHA-256`, async () => {
      const store = kind === 'memory' ? new MemoryBlobStore() : new FsBlobStore(join(dir, 'blobs'));
      const blob = new Uint8Array([1, 2, 3]);
      const hash = await store.put(blob);
      assert.equal(hash, sha256Hex(blob));
      assert.equal(await store.put(blob), hash);
      assert.deepEqual(await store.get(hash), blob);
      assert.ok(await store.has(hash));
      assert.deepEqual(await store.list(), [hash]);
      assert.equal(await store.get(sha256Hex(new Uint8Array([9]))), undefined);
      assert.ok(await store.delete(hash));
      assert.deepEqual(await store.list(), []);
    });
  }

  it('fs blob store persists across instances and detects corruption on read', async () => {
    const blob = new Uint8Array(1000).fill(3);
    const hash = await new FsBlobStore(join(dir, 'blobs')).put(blob);
    const again = new FsBlobStore(join(dir, 'blobs'));
    assert.deepEqual(await again.get(hash), blob);
    await writeFile(join(dir, 'blobs', hash), new Uint8Array(1000).fill(4));
    await assert.rejects(again.get(hash), BlobStoreError);
    await assert.rejects(again.get('../../etc/passwd'), {
      name: 'BlobStoreError',
      message: /64 lowercase hex/,
    });
  });
});
