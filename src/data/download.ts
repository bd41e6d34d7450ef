import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  ChecksumMismatchError,
  CorruptFileError,
  DatasetDownloadError,
  UnknownDatasetError,
} from './errors.js';
import { maybeGunzip } from './formats/gzip.js';
import { readTar } from './formats/tar.js';

/** Published digests of a file (lower-case hex); every digest given is checked. */
export interface Checksum {
  md5?: string;
  sha256?: string;
}

/** One file to download, from the first mirror that works. */
export interface DownloadFile {
  name: string;
  urls: string[];
  checksum: Checksum;
  /** A `.tar.gz` archive to extract (then deleted) into the download root. */
  extract?: 'tar.gz';
}

/** What to download for a dataset and the sub-folder of the download root its files end up in. */
export interface DownloadSpec {
  subdir: string;
  files: DownloadFile[];
}

const MNIST_MIRRORS = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://yann.lecun.com/exdb/mnist/',
];
const FASHION_MIRRORS = [
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
];

function idxFiles(mirrors: string[], md5: Record<string, string>): DownloadFile[] {
  return Object.entries(md5).map(([name, digest]) => ({
    name,
    urls: mirrors.map((m) => m + name),
    checksum: { md5: digest },
  }));
}

/** Official download locations and checksums (MD5 as published by the dataset authors). */
export const DOWNLOADS: Readonly<Record<string, DownloadSpec>> = {
  mnist: {
    subdir: 'mnist',
    files: idxFiles(MNIST_MIRRORS, {
      'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
    }),
  },
  'fashion-mnist': {
    subdir: 'fashion-mnist',
    files: idxFiles(FASHION_MIRRORS, {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    }),
  },
  cifar10: {
    subdir: 'cifar-10-batches-bin',
    files: [
      {
        name: 'cifar-10-binary.tar.gz',
        urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
        checksum: {
          md5: 'c32a1d4ab5d03f1284b67883e8d87530',
          sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
        },
        extract: 'tar.gz',
      },
    ],
  },
  cifar100: {
    subdir: 'cifar-100-binary',
    files: [
      {
        name: 'cifar-100-binary.tar.gz',
        urls: ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'],
        checksum: { md5: '03b5dce01913d631647c71ecec9e9cb8' },
        extract: 'tar.gz',
      },
    ],
  },
};

/** The subset of `fetch` the downloader uses (injectable for tests). */
export type FetchLike = (url: string) => Promise<Response>;

/** Options of `downloadDataset`. */
export interface DownloadOptions {
  fetch?: FetchLike;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** What to download per dataset (default `DOWNLOADS`). */
  sources?: Readonly<Record<string, DownloadSpec>>;
}

/** Throw `ChecksumMismatchError` unless the digests of `file` match every digest in `checksum`. */
export function verifyChecksum(file: string, found: Checksum, checksum: Checksum, url: string): void {
  for (const algo of ['md5', 'sha256'] as const) {
    const expected = checksum[algo];
    if (expected && expected.toLowerCase() !== found[algo]) {
      throw new ChecksumMismatchError(
        `Error in ${file} (from ${url}): expected ${algo} ${expected.toLowerCase()}, found ${found[algo]}.`,
      );
    }
  }
}

async function fetchTo(url: string, path: string, fetchFn: FetchLike): Promise<Checksum> {
  const res = await fetchFn(url);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  await pipeline(
    Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        md5.update(chunk);
        sha256.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(path),
  );
  return { md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

/** Extract the regular files of a .tar.gz into `root`, refusing paths that leave it. */
export async function extractTarGz(archive: string, root: string): Promise<string[]> {
  const entries = readTar(maybeGunzip(await readFile(archive), archive), archive);
  const written: string[] = [];
  for (const e of entries) {
    const rel = normalize(e.path);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
      throw new CorruptFileError(
        `Error in ${archive}: expected paths inside the archive, found '${e.path}'.`,
      );
    }
    const out = join(root, rel);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, e.data);
    written.push(rel);
  }
  return written;
}

function offlineHelp(name: string, spec: DownloadSpec, root: string): string {
  const what = spec.files.map((f) => `${f.name} (${f.urls[0]})`).join(', ');
  const extract = spec.files.some((f) => f.extract)
    ? `extract it in '${root}' so that '${join(root, spec.subdir)}' holds the .bin files`
    : `put the files in '${join(root, spec.subdir)}'`;
  return `If this machine is offline, download ${what} elsewhere, ${extract}, or point --data-dir at a folder holding the ${name} files.`;
}

/**
 * Download a dataset's official files into `root/<subdir>` (archives are extracted into `root`),
 * verifying MD5/SHA-256 checksums; each file goes to a `.part` file renamed once verified. Returns
 * the folder holding the dataset files. Offline or HTTP errors on every mirror give
 * `DatasetDownloadError` saying where to put the files by hand.
 */
export async function downloadDataset(
  name: string,
  root: string,
  opts: DownloadOptions = {},
): Promise<string> {
  const sources = opts.sources ?? DOWNLOADS;
  const spec = sources[name];
  if (!spec) {
    throw new UnknownDatasetError(
      `Error in downloadDataset: expected one of ${Object.keys(sources).join(', ')}, found '${name}'.`,
    );
  }
  const fetchFn = opts.fetch ?? ((url: string) => fetch(url));
  const target = join(root, spec.subdir);
  await mkdir(target, { recursive: true });
  for (const file of spec.files) {
    const dest = join(file.extract ? root : target, file.name);
    const failures: string[] = [];
    let mismatch: ChecksumMismatchError | undefined;
    let done = false;
    for (const url of file.urls) {
      opts.log?.(`downloading ${url}`);
      try {
        const found = await fetchTo(url, `${dest}.part`, fetchFn);
        verifyChecksum(dest, found, file.checksum, url);
        await rename(`${dest}.part`, dest);
        done = true;
        break;
      } catch (err) {
        await rm(`${dest}.part`, { force: true });
        if (err instanceof ChecksumMismatchError) mismatch = err;
        failures.push(
          `${url}: ${(err as Error).message}${(err as Error).cause ? ` (${String((err as Error).cause)})` : ''}`,
        );
      }
    }
    if (!done) {
      if (mismatch) throw mismatch;
      throw new DatasetDownloadError(
        `Error downloading dataset '${name}': expected ${file.name} from ${file.urls.join(' or ')}, found ` +
          `${failures.join('; ')}. ${offlineHelp(name, spec, root)}`,
      );
    }
    if (file.extract) {
      opts.log?.(`extracting ${dest}`);
      await extractTarGz(dest, root);
      await rm(dest, { force: true });
    }
  }
  return target;
}
