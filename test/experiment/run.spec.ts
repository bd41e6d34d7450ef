import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperimentArgs } from '../../src/cli/commands/experiment.js';
import { PRESETS } from '../../src/experiment/presets.js';
import { runExperiment } from '../../src/experiment/runner.js';
import type { CellResult } from '../../src/experiment/types.js';
import { initBackend } from '../../src/tensor/backend.js';

describe('experiment: a real resumable grid (smoke preset, in-process harness)', function () {
  this.timeout(300_000);
  let out = '';
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'fedmetanas-experiment-'));
    await initBackend('wasm');
  });
  after(async () => rm(out, { recursive: true, force: true }));

  it('parses its flags and refuses bad ones by name', function () {
    const a = parseExperimentArgs(['--preset', 'smoke', '--seeds', '3,4', '--methods', 'fedavg']);
    assert.deepEqual(a.preset?.seeds, [3, 4]);
    assert.deepEqual(a.preset?.methods, ['fedavg']);
    assert.equal(a.out, 'results/smoke');
    for (const name of Object.keys(PRESETS)) {
      const { preset } = parseExperimentArgs(['--preset', name]);
      assert.equal(preset?.name, name, 'every preset runs with its own defaults');
    }
    assert.throws(() => parseExperimentArgs([]), { name: 'UsageError' });
    assert.throws(() => parseExperimentArgs(['--preset', 'smoke', '--mode', 'cloud']), {
      name: 'UsageError',
    });
    assert.throws(() => parseExperimentArgs(['--preset', 'smoke', '--mode', 'network']), /harness only/);
    assert.throws(() => parseExperimentArgs(['--preset', 'smoke', '--partitions', 'dir-']), {
      name: 'ExperimentConfigError',
    });
  });

  it('runs fedmetanas and fednas (+ retraining), writes CSV, table and plot, then resumes without rerunning', async function () {
    const { preset } = parseExperimentArgs([
      '--preset',
      'smoke',
      '--methods',
      'fedmetanas,fednas',
      '--backend',
      'wasm',
    ]);
    assert.ok(preset);
    const first = await runExperiment(preset, out);
    assert.equal(first.ran, 2);
    assert.equal(first.pending, 0);
    const byMethod = new Map(first.results.map((r) => [r.method, r]));
    const nas = byMethod.get('fednas') as CellResult;
    const meta = byMethod.get('fedmetanas') as CellResult;
    assert.equal(nas.retrainRounds, 1);
    assert.ok(nas.retrainTimeMs > 0 && meta.retrainTimeMs === 0);
    assert.deepEqual(
      nas.curve.map((p) => p.stage),
      ['search', 'retrain'],
    );
    for (const r of first.results) {
      assert.ok(r.globalAccuracy >= 0 && r.globalAccuracy <= 1);
      assert.ok(r.bytesUpPerPeerRound > 0 && r.bytesDownPerPeerRound > 0);
      assert.ok(r.computeMsPerPeerRound > 0 && r.peakRssMiB > 0);
      assert.ok(existsSync(join(r.runDir, 'summary.json')));
    }
    const csv = (await readFile(join(out, 'results.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv.length, 3);
    const md = await readFile(join(out, 'results.md'), 'utf8');
    assert.match(md, /\| dir-0\.3 \| fedmetanas \| 1 \|/);
    assert.match(md, /Claim check \(dir-0\.3, 1 seeds\)/);
    assert.match(await readFile(join(out, 'plots', 'accuracy-dir-0.3.svg'), 'utf8'), /<path /);

    const again = await runExperiment(preset, out);
    assert.equal(again.ran, 0);
    assert.equal(again.resumed, 2);
    assert.deepEqual(
      again.results.map((r) => r.globalAccuracy),
      first.results.map((r) => r.globalAccuracy),
    );
    const other = { ...preset, base: { ...preset.base, localSteps: 2 } };
    await assert.rejects(runExperiment(other, out), { name: 'ExperimentMismatchError' });
  });
});
