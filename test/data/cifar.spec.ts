import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR_PIXELS, encodeCifar, parseCifar } from '../../src/data/formats/cifar.js';
import { sharedDataDir } from '../../src/data/paths.js';
import { loadDataset } from '../../src/data/registry.js';
import { computeNormalization } from '../../src/data/stats.js';
import { cyclicLabels, randomBytes, rejectsNamed, tempDir, throwsNamed } from './helpers.js';

describe('data/cifar: CIFAR binary files', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('decodes CHW planes into HWC pixels', function () {
    const record = new Uint8Array(1 + CIFAR_PIXELS);
    record[0] = 7;
    record[1 + 0 * 1024 + 33] = 10; // red, row 1 col 1
    record[1 + 1 * 1024 + 33] = 20; // green
    record[1 + 2 * 1024 + 33] = 30; // blue
    const out = parseCifar(record, 1, 'r.bin');
    assert.equal(out.count, 1);
    assert.equal(out.labels[0]?.[0], 7);
    assert.deepEqual(Array.from(out.images.subarray(33 * 3, 33 * 3 + 3)), [10, 20, 30]);
  });

  it('loads whichever CIFAR-10 data batches are present plus the test batch', async function () {
    const dir = join(tmp.dir, 'cifar-10-batches-bin');
    mkdirSync(dir);
    const b1 = randomBytes(5 * CIFAR_PIXELS, 1);
    const b3 = randomBytes(4 * CIFAR_PIXELS, 3);
    writeFileSync(join(dir, 'data_batch_1.bin'), encodeCifar([cyclicLabels(5, 10)], b1));
    writeFileSync(join(dir, 'data_batch_3.bin'), encodeCifar([Int32Array.from([9, 8, 7, 6])], b3));
    writeFileSync(
      join(dir, 'test_batch.bin'),
      encodeCifar([cyclicLabels(3, 10)], randomBytes(3 * CIFAR_PIXELS, 4)),
    );
    writeFileSync(join(dir, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n');
    const ds = await loadDataset('cifar10', { dataDir: tmp.dir });
    assert.deepEqual([ds.height, ds.width, ds.channels, ds.numClasses], [32, 32, 3, 10]);
    assert.equal(ds.train.count, 9);
    assert.equal(ds.test.count, 3);
    assert.deepEqual(Array.from(ds.train.labels), [0, 1, 2, 3, 4, 9, 8, 7, 6]);
    assert.deepEqual(ds.train.images.subarray(0, b1.length), b1);
    assert.deepEqual(ds.train.images.subarray(b1.length), b3);
    assert.deepEqual(ds.source.files, ['data_batch_1.bin', 'data_batch_3.bin', 'test_batch.bin']);
    assert.equal(ds.classNames[9], 'j');
  });

  it('loads CIFAR-100 fine and coarse labels', async function () {
    const fine = Int32Array.from([0, 99, 42]);
    const coarse = Int32Array.from([4, 19, 0]);
    const px = randomBytes(3 * CIFAR_PIXELS, 5);
    writeFileSync(join(tmp.dir, 'train.bin'), encodeCifar([coarse, fine], px));
    writeFileSync(
      join(tmp.dir, 'test.bin'),
      encodeCifar([Int32Array.from([1]), Int32Array.from([5])], randomBytes(CIFAR_PIXELS)),
    );
    const ds = await loadDataset('cifar100', { dataDir: tmp.dir });
    assert.equal(ds.numClasses, 100);
    assert.deepEqual(Array.from(ds.train.labels), [0, 99, 42]);
    assert.deepEqual(Array.from(ds.train.coarseLabels ?? []), [4, 19, 0]);
    assert.deepEqual(ds.train.images, px);
    assert.equal(ds.classNames[99], 'worm');
    assert.equal(ds.coarseClassNames?.[19], 'vehicles_2');
    assert.equal(ds.test.labels[0], 5);
  });

  it('rejects a truncated batch (TruncatedFileError naming the file)', async function () {
    const bytes = encodeCifar([cyclicLabels(2, 10)], randomBytes(2 * CIFAR_PIXELS));
    writeFileSync(join(tmp.dir, 'data_batch_1.bin'), bytes.subarray(0, bytes.length - 100));
    writeFileSync(join(tmp.dir, 'test_batch.bin'), bytes);
    await rejectsNamed(
      () => loadDataset('cifar10', { dataDir: tmp.dir }),
      'TruncatedFileError',
      /data_batch_1\.bin: expected a whole number of 3073-byte CIFAR records.*found 6046 bytes/,
    );
    throwsNamed(() => parseCifar(new Uint8Array(0), 2, 'empty.bin'), 'TruncatedFileError', /empty\.bin/);
  });

  it('rejects labels out of range (LabelOutOfRangeError)', async function () {
    writeFileSync(
      join(tmp.dir, 'data_batch_1.bin'),
      encodeCifar([Int32Array.from([3, 10])], randomBytes(2 * CIFAR_PIXELS)),
    );
    writeFileSync(
      join(tmp.dir, 'test_batch.bin'),
      encodeCifar([Int32Array.from([1])], randomBytes(CIFAR_PIXELS)),
    );
    await rejectsNamed(
      () => loadDataset('cifar10', { dataDir: tmp.dir }),
      'LabelOutOfRangeError',
      /data_batch_1\.bin.*found 10/,
    );
    writeFileSync(
      join(tmp.dir, 'train.bin'),
      encodeCifar([Int32Array.from([20]), Int32Array.from([3])], randomBytes(CIFAR_PIXELS)),
    );
    writeFileSync(
      join(tmp.dir, 'test.bin'),
      encodeCifar([Int32Array.from([1]), Int32Array.from([5])], randomBytes(CIFAR_PIXELS)),
    );
    await rejectsNamed(
      () => loadDataset('cifar100', { dataDir: tmp.dir }),
      'LabelOutOfRangeError',
      /coarse labels.*\[0, 20\), found 20/,
    );
  });

  it('reports a missing test batch and missing files (DatasetNotFoundError)', async function () {
    writeFileSync(
      join(tmp.dir, 'data_batch_1.bin'),
      encodeCifar([Int32Array.from([1])], randomBytes(CIFAR_PIXELS)),
    );
    await rejectsNamed(
      () => loadDataset('cifar10', { dataDir: tmp.dir }),
      'DatasetNotFoundError',
      /test_batch\.bin/,
    );
    await rejectsNamed(
      () => loadDataset('cifar100', { dataDir: tmp.dir }),
      'DatasetNotFoundError',
      /train\.bin and test\.bin.*--download/,
    );
  });

  it('loads the real CIFAR-10 files in ../shared/data by default', async function () {
    const shared = sharedDataDir();
    if (!shared || !existsSync(join(shared, 'cifar-10-batches-bin', 'data_batch_1.bin'))) this.skip();
    const ds = await loadDataset('cifar10');
    assert.equal(ds.source.location, join(shared as string, 'cifar-10-batches-bin'));
    assert.ok(ds.train.count >= 10000 && ds.train.count % 10000 === 0);
    assert.equal(ds.test.count, 10000);
    assert.deepEqual(Array.from(ds.train.labels.subarray(0, 10)), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    assert.deepEqual(ds.classNames, [
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
    const counts = new Array<number>(10).fill(0);
    ds.test.labels.forEach((y) => counts[y]++);
    assert.deepEqual(counts, new Array<number>(10).fill(1000));
    const { mean } = computeNormalization(ds.train);
    [125.307, 122.95, 113.865].forEach((m, c) =>
      assert.ok(Math.abs((mean[c] as number) * 255 - m) < 2, `mean ${c}`),
    );
  });
});
