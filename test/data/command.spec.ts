import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dataCommand, parseDataArgs } from '../../src/cli/commands/data.js';
import { loadPartition } from '../../src/data/partition/file.js';
import { loadDataset } from '../../src/data/registry.js';
import type { PartitionReport } from '../../src/data/report.js';
import { tempDir, throwsNamed } from './helpers.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await dataCommand(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

describe('cli data command (src/cli/commands/data.ts)', function () {
  it('--json prints one JSON object with per-peer sizes and label counts', async function () {
    const { code, out } = await run([
      '--peers',
      '8',
      '--partition',
      'skew',
      '--classes-per-peer',
      '4',
      '--seed',
      '1',
      '--json',
    ]);
    assert.equal(code, 0);
    const r = JSON.parse(out) as PartitionReport;
    assert.equal(r.dataset, 'mnist');
    assert.equal(r.partition, 'skew');
    assert.equal(r.seed, 1);
    assert.equal(r.peers.length, 8);
    assert.equal(
      r.peers.reduce((a, p) => a + p.size, 0),
      8000,
    );
    r.peers.forEach((p, i) => {
      assert.equal(p.index, i);
      assert.equal(p.labels.length, 10);
      assert.equal(p.labels.filter((c) => c > 0).length, 4);
    });
  });

  it('prints a table without --json and writes the partition file with --out', async function () {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'p.json');
      const { code, out } = await run([
        '--peers',
        '4',
        '--partition',
        'dirichlet',
        '--alpha',
        '0.3',
        '--out',
        file,
      ]);
      assert.equal(code, 0);
      assert.match(out, /partition {2}dirichlet alpha=0\.3 min-size=10, seed 0, 4 peers/);
      assert.match(out, /peer {2}size {2}classes \| +0 +1/);
      const labels = (await loadDataset('mnist')).train.labels;
      const loaded = await loadPartition(file, { labels, dataset: 'mnist', verify: true });
      assert.equal(loaded.shards.length, 4);
    } finally {
      tmp.cleanup();
    }
  });

  it('bad flags are DataUsageErrors (exit 2); data errors exit 1 with the error name', async function () {
    throwsNamed(
      () => parseDataArgs(['--peers', '3', '--partition', 'iid', '--bogus']),
      'DataUsageError',
      /bogus/,
    );
    throwsNamed(
      () => parseDataArgs(['--partition', 'iid']),
      'DataUsageError',
      /--peers: expected an integer >= 1, found none/,
    );
    throwsNamed(
      () => parseDataArgs(['--peers', 'x', '--partition', 'iid']),
      'DataUsageError',
      /--peers.*found 'x'/,
    );
    throwsNamed(
      () => parseDataArgs(['--peers', '2', '--partition', 'zipf']),
      'DataUsageError',
      /--partition: expected one of/,
    );
    throwsNamed(
      () => parseDataArgs(['--peers', '2', '--partition', 'dirichlet', '--alpha', '0']),
      'DataUsageError',
      /--alpha: expected a number > 0, found '0'/,
    );
    throwsNamed(
      () => parseDataArgs(['--peers', '2', '--partition', 'iid', '--alpha', '1']),
      'DataUsageError',
      /applies only to --partition dirichlet/,
    );
    throwsNamed(() => parseDataArgs(['--peers', '2', '--partition', 'iid', 'extra']), 'DataUsageError');
    const usage = await run(['--peers', '2', '--partition', 'iid', '--seed', '-1']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /^DataUsageError: /);
    const unknown = await run(['--dataset', 'imagenet', '--peers', '2', '--partition', 'iid']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /^UnknownDatasetError: .*found 'imagenet'/);
    const tau = await run(['--peers', '2', '--partition', 'skew', '--classes-per-peer', '11']);
    assert.equal(tau.code, 1);
    assert.match(tau.err, /^InvalidDataParameterError: .*classesPerPeer \(tau\).*found 11/);
    const many = await run(['--peers', '9000', '--partition', 'iid']);
    assert.equal(many.code, 1);
    assert.match(many.err, /^TooFewSamplesError: .*9000 peers.*found 8000 samples/);
    assert.equal((await run(['--help'])).code, 0);
  });
});
