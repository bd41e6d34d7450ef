import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  downloadDataset,
  DOWNLOADS,
  type DownloadFile,
  type DownloadSpec,
  type FetchLike,
} from '../../src/data/download.js';
import { CIFAR_PIXELS, encodeCifar } from '../../src/data/formats/cifar.js';
import { encodeTar, readTar } from '../../src/data/formats/tar.js';
import { loadDataset } from '../../src/data/registry.js';
import { cyclicLabels, randomBytes, rejectsNamed, tempDir, throwsNamed } from './helpers.js';

/** A fake fetch serving `body` for every URL (no network is used in tests). */
function serve(body: Uint8Array): FetchLike {
  return async () => new Response(body);
}

const offline: FetchLike = async () => {
  throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND www.cs.toronto.edu') });
};

describe('data/download: tar reader, checksums, offline errors (no network)', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('round-trips files through the minimal tar reader and detects a damaged header', function () {
    const a = randomBytes(700, 1);
    const tar = encodeTar([
      { path: 'dir/a.bin', data: a },
      { path: 'dir/empty.txt', data: new Uint8Array(0) },
    ]);
    const entries = readTar(tar, 'x.tar');
    assert.deepEqual(
      entries.map((e) => e.path),
      ['dir/a.bin', 'dir/empty.txt'],
    );
    assert.deepEqual(entries[0]?.data, a);
    const bad = tar.slice();
    bad[10] ^= 0xff;
    throwsNamed(
      () => readTar(bad, 'x.tar'),
      'CorruptFileError',
      /x\.tar: tar header at byte 0 has a bad checksum/,
    );
    throwsNamed(() => readTar(tar.subarray(0, 600), 'x.tar'), 'TruncatedFileError');
  });

  it('downloads, verifies and extracts a CIFAR-10 archive, then loads it', async function () {
    const rec = (n: number): Uint8Array =>
      encodeCifar([cyclicLabels(n, 10)], randomBytes(n * CIFAR_PIXELS, n));
    const archive = gzipSync(
      encodeTar([
        { path: 'cifar-10-batches-bin/data_batch_1.bin', data: rec(4) },
        { path: 'cifar-10-batches-bin/test_batch.bin', data: rec(2) },
      ]),
    );
    const official = DOWNLOADS.cifar10 as DownloadSpec;
    const file = {
      ...(official.files[0] as DownloadFile),
      checksum: { sha256: createHash('sha256').update(archive).digest('hex') },
    };
    const sources = { cifar10: { ...official, files: [file] } };
    const ds = await loadDataset('cifar10', {
      dataDir: tmp.dir,
      download: true,
      fetch: serve(archive),
      sources,
    });
    assert.equal(ds.train.count, 4);
    assert.equal(ds.source.location, join(tmp.dir, 'cifar-10-batches-bin'));
    assert.deepEqual(readdirSync(tmp.dir), ['cifar-10-batches-bin'], 'archive removed after extraction');
  });

  it('rejects a checksum mismatch (ChecksumMismatchError) and leaves no file behind', async function () {
    await rejectsNamed(
      () => downloadDataset('cifar10', tmp.dir, { fetch: serve(new Uint8Array([1, 2, 3])) }),
      'ChecksumMismatchError',
      /cifar-10-binary\.tar\.gz.*expected md5 c32a1d4ab5d03f1284b67883e8d87530, found 5289df737df57326fcdd22597afb1fac/,
    );
    assert.equal(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz')), false);
    assert.equal(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz.part')), false);
  });

  it('offline: a DatasetDownloadError saying where to put the files', async function () {
    await rejectsNamed(
      () => loadDataset('cifar100', { dataDir: tmp.dir, download: true, fetch: offline }),
      'DatasetDownloadError',
      /cifar-100-binary\.tar\.gz.*fetch failed.*ENOTFOUND.*offline.*cifar-100-binary/,
    );
    await rejectsNamed(
      () =>
        downloadDataset('fashion-mnist', tmp.dir, { fetch: async () => new Response('no', { status: 404 }) }),
      'DatasetDownloadError',
      /HTTP 404/,
    );
  });
});
