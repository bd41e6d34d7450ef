import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { shardFor } from '../../src/data/partition/index.js';
import type { PartitionSpec } from '../../src/data/partition/types.js';
import { loadDataset } from '../../src/data/registry.js';
import { splitPeer } from '../../src/data/split.js';

const SPECS: PartitionSpec[] = [
  { scheme: 'iid', numPeers: 8, seed: 11 },
  { scheme: 'dirichlet', numPeers: 8, seed: 11, alpha: 0.1 },
  { scheme: 'skew', numPeers: 8, seed: 11, classesPerPeer: 3 },
  { scheme: 'shards', numPeers: 8, seed: 11 },
];

const digest = (a: ArrayLike<number>): string =>
  createHash('sha256')
    .update(JSON.stringify(Array.from(a)))
    .digest('hex');

describe('data/determinism: a peer computes the same shard in another process', function () {
  it('child process shardFor(5) and its split equal the in-process ones', async function () {
    const index = fileURLToPath(new URL('../../src/data/index.js', import.meta.url));
    const script = `
      import { createHash } from 'node:crypto';
      const d = await import(${JSON.stringify(index)});
      const digest = (a) => createHash('sha256').update(JSON.stringify(Array.from(a))).digest('hex');
      const labels = (await d.loadDataset('mnist')).train.labels;
      const specs = ${JSON.stringify(SPECS)};
      const out = specs.map((s) => {
        const shard = d.shardFor(5, labels, s);
        return [digest(shard), digest(d.splitPeer(shard, labels, 11, 5).query)];
      });
      console.log(JSON.stringify(out));`;
    const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    const labels = (await loadDataset('mnist')).train.labels;
    const local = SPECS.map((s) => {
      const shard = shardFor(5, labels, s);
      return [digest(shard), digest(splitPeer(shard, labels, 11, 5).query)];
    });
    const { stdout } = await child;
    assert.deepEqual(JSON.parse(stdout), local);
  });
});
