import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadPartition,
  partitionFromJson,
  partitionToJson,
  savePartition,
} from '../../src/data/partition/file.js';
import { partition } from '../../src/data/partition/index.js';
import type { PartitionSpec } from '../../src/data/partition/types.js';
import { cyclicLabels, rejectsNamed, tempDir, throwsNamed } from './helpers.js';

describe('data/partition/file: partition JSON files', function () {
  const labels = cyclicLabels(500, 10);
  const spec: PartitionSpec = { scheme: 'dirichlet', numPeers: 5, seed: 4, alpha: 0.5 };
  const shards = partition(labels, spec);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('writes and reads back a partition with its parameters, verified against the labels', async function () {
    const file = join(tmp.dir, 'p.json');
    await savePartition(file, shards, spec, labels, 'synthetic');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { spec: PartitionSpec };
    assert.deepEqual(json.spec, { ...spec, minSize: 10, maxRedraws: 1000 });
    const loaded = await loadPartition(file, { labels, spec, dataset: 'synthetic', verify: true });
    assert.deepEqual(loaded.shards, shards);
    assert.equal(loaded.dataset, 'synthetic');
  });

  it('rejects files that do not match or are malformed (PartitionFileError naming the field)', async function () {
    const good = partitionToJson(shards, spec, labels);
    const check = (mutate: (j: Record<string, unknown>) => void, pattern: RegExp, expect = {}): void => {
      const j = structuredClone(good) as unknown as Record<string, unknown>;
      mutate(j);
      throwsNamed(() => partitionFromJson(j, 'p.json', expect), 'PartitionFileError', pattern);
    };
    check((j) => (j.format = 'other'), /p\.json: expected format 'fedmetanas\/partition'/);
    check((j) => (j.version = 2), /expected version 1, found 2/);
    check((j) => ((j.spec as Record<string, unknown>).alpha = -1), /spec\.alpha a number > 0, found -1/);
    check((j) => ((j.spec as Record<string, unknown>).scheme = 'zipf'), /spec\.scheme/);
    check(
      (j) => ((j.spec as Record<string, unknown>).tau = 2),
      /only the keys of a dirichlet spec, found "tau"/,
    );
    check((j) => (j.shards as number[][]).pop(), /expected shards to be 5 arrays/);
    check(
      (j) => (j.shards as number[][])[1]?.push(((j.shards as number[][])[0] as number[])[0] as number),
      /found index \d+ twice/,
    );
    check((j) => (j.shards as number[][])[0]?.push(500), /integers in \[0, 500\), found 500/);
    check(() => undefined, /expected spec .*"alpha":0\.3/, { spec: { ...spec, alpha: 0.3 } });
    check(() => undefined, /expected numSamples 499/, { labels: labels.subarray(1) });
    check(() => undefined, /expected labelsSha256/, { labels: labels.map((y) => (y + 1) % 10) });
    check(
      (j) => {
        const s = j.shards as number[][];
        const moved = (s[0] as number[]).pop() as number;
        (s[1] as number[]).push(moved);
      },
      /shards\[0\] to equal the shard recomputed/,
      { labels, verify: true },
    );
    const file = join(tmp.dir, 'bad.json');
    writeFileSync(file, '{ not json');
    await rejectsNamed(
      () => loadPartition(file),
      'PartitionFileError',
      /bad\.json: expected a readable JSON file/,
    );
  });
});
