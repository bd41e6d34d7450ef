import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { loadDataset } from '../../src/data/registry.js';
import { rejectsNamed, tempDir } from './helpers.js';

/** A solid-colour RGBA image. */
function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
  return data;
}

function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const img = new pngjs.PNG({ width, height });
  img.data = Buffer.from(solid(width, height, rgb));
  return pngjs.PNG.sync.write(img);
}

function jpg(width: number, height: number, rgb: [number, number, number]): Buffer {
  return jpeg.encode({ width, height, data: solid(width, height, rgb) }, 95).data;
}

function write(dir: string, files: Record<string, Buffer>): void {
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), data);
  }
}

describe('data/folder: image-folder datasets', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('loads PNG and JPEG class folders with a seeded stratified test split', async function () {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 5; i++) files[`cat/${i}.png`] = png(8, 6, [200, 10, 10]);
    for (let i = 0; i < 5; i++) files[`dog/${i}.JPG`] = jpg(8, 6, [10, 10, 200]);
    files['dog/notes.txt'] = Buffer.from('ignored');
    write(tmp.dir, files);
    const ds = await loadDataset(`folder:${tmp.dir}`, { testFraction: 0.4, seed: 3 });
    assert.deepEqual(ds.classNames, ['cat', 'dog']);
    assert.deepEqual([ds.height, ds.width, ds.channels], [6, 8, 3]);
    assert.equal(ds.train.count, 6);
    assert.equal(ds.test.count, 4);
    assert.deepEqual(Array.from(ds.test.labels).sort(), [0, 0, 1, 1]);
    const catIdx = ds.train.labels.indexOf(0);
    assert.deepEqual(Array.from(ds.train.images.subarray(catIdx * 144, catIdx * 144 + 3)), [200, 10, 10]);
    const dogIdx = ds.train.labels.indexOf(1);
    const dogPx = Array.from(ds.train.images.subarray(dogIdx * 144, dogIdx * 144 + 3));
    dogPx.forEach((v, c) => assert.ok(Math.abs(v - [10, 10, 200][c]!) <= 3, `jpeg pixel ${dogPx}`));
    assert.equal(ds.normalization.mean.length, 3);
    const again = await loadDataset(`folder:${tmp.dir}`, { testFraction: 0.4, seed: 3 });
    assert.deepEqual(again.source.files, ds.source.files);
  });

  it('uses train/ and test/ sub-folders, resizes with --image-size and converts to grayscale', async function () {
    write(tmp.dir, {
      'train/a/1.png': png(4, 4, [255, 255, 255]),
      'train/b/1.jpg': jpg(16, 8, [0, 0, 0]),
      'test/b/2.png': png(2, 2, [0, 0, 0]),
    });
    const ds = await loadDataset(`folder:${tmp.dir}`, { imageSize: { height: 5, width: 5 }, channels: 1 });
    assert.deepEqual([ds.height, ds.width, ds.channels], [5, 5, 1]);
    assert.deepEqual(Array.from(ds.train.labels), [0, 1]);
    assert.deepEqual(Array.from(ds.test.labels), [1]);
    assert.ok(ds.train.images.subarray(0, 25).every((v) => v === 255));
  });

  it('rejects an empty class folder (EmptyClassFolderError)', async function () {
    write(tmp.dir, { 'a/1.png': png(4, 4, [1, 2, 3]) });
    mkdirSync(join(tmp.dir, 'b'));
    await rejectsNamed(() => loadDataset(`folder:${tmp.dir}`), 'EmptyClassFolderError', /class folder 'b'/);
  });

  it('rejects images of different sizes without --image-size (ImageSizeMismatchError)', async function () {
    write(tmp.dir, { 'a/1.png': png(4, 4, [1, 2, 3]), 'a/2.png': png(5, 4, [1, 2, 3]) });
    await rejectsNamed(
      () => loadDataset(`folder:${tmp.dir}`, { testFraction: 0 }),
      'ImageSizeMismatchError',
      /2\.png: expected 4x4.*found 4x5/,
    );
  });

  it('rejects a corrupt image (CorruptFileError) and a missing folder (DatasetNotFoundError)', async function () {
    write(tmp.dir, { 'a/1.png': Buffer.from('not an image') });
    await rejectsNamed(
      () => loadDataset(`folder:${tmp.dir}`),
      'CorruptFileError',
      /1\.png: expected a PNG.*or JPEG/,
    );
    write(tmp.dir, { 'a/1.png': png(4, 4, [1, 2, 3]).subarray(0, 40) });
    await rejectsNamed(
      () => loadDataset(`folder:${tmp.dir}`),
      'CorruptFileError',
      /1\.png: expected a decodable PNG/,
    );
    await rejectsNamed(() => loadDataset(`folder:${join(tmp.dir, 'nope')}`), 'DatasetNotFoundError', /nope/);
  });
});
