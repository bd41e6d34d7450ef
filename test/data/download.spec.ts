import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * The real `fetch` against a real HTTP server on 127.0.0.1 that answers every path with `status` and
 * `body`: the official URL's path is kept, its host replaced (tests never leave this machine).
 */
async function serve(body: Uint8Array, status = 200): Promise<{ fetch: FetchLike; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-length': String(body.byteLength) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fetch: (url) => fetch(`http://127.0.0.1:${port}${new URL(url).pathname}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The real `fetch` to a loopback port nobody listens on: what an offline machine gets. */
async function offlineFetch(): Promise<FetchLike> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return (url) => fetch(`http://127.0.0.1:${port}${new URL(url).pathname}`);
}

describe('data/download: tar reader, checksums, offline errors (HTTP on 127.0.0.1 only)', function () {
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
    const server = await serve(archive);
    const ds = await loadDataset('cifar10', {
      dataDir: tmp.dir,
      download: true,
      fetch: server.fetch,
      sources,
    }).finally(() => server.close());
    assert.equal(ds.train.count, 4);
    assert.equal(ds.source.location, join(tmp.dir, 'cifar-10-batches-bin'));
    assert.deepEqual(readdirSync(tmp.dir), ['cifar-10-batches-bin'], 'archive removed after extraction');
  });

  it('rejects a checksum mismatch (ChecksumMismatchError) and leaves no file behind', async function () {
    const server = await serve(new Uint8Array([1, 2, 3]));
    await rejectsNamed(
      () => downloadDataset('cifar10', tmp.dir, { fetch: server.fetch }).finally(() => server.close()),
      'ChecksumMismatchError',
      /cifar-10-binary\.tar\.gz.*expected md5 c32a1d4ab5d03f1284b67883e8d87530, found 5289df737df57326fcdd22597afb1fac/,
    );
    assert.equal(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz')), false);
    assert.equal(existsSync(join(tmp.dir, 'cifar-10-binary.tar.gz.part')), false);
  });

  it('offline: a DatasetDownloadError saying where to put the files', async function () {
    await rejectsNamed(
      async () => loadDataset('cifar100', { dataDir: tmp.dir, download: true, fetch: await offlineFetch() }),
      'DatasetDownloadError',
      /cifar-100-binary\.tar\.gz.*fetch failed.*ECONNREFUSED.*offline.*cifar-100-binary/,
    );
    const missing = await serve(new TextEncoder().encode('no'), 404);
    await rejectsNamed(
      () =>
        downloadDataset('fashion-mnist', tmp.dir, { fetch: missing.fetch }).finally(() => missing.close()),
      'DatasetDownloadError',
      /HTTP 404/,
    );
  });
});
