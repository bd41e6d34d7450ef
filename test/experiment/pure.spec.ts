import { strict as assert } from 'node:assert';
import { checkClaim } from '../../src/experiment/claim.js';
import { accuracyCurves } from '../../src/experiment/curves.js';
import { applyOverrides, planExperiment } from '../../src/experiment/plan.js';
import { partitionFromLabel } from '../../src/experiment/partitions.js';
import { presetNamed, PRESETS } from '../../src/experiment/presets.js';
import { groupResults, meanStd } from '../../src/experiment/stats.js';
import { lineChartSvg, niceStep } from '../../src/experiment/svg-plot.js';
import { markdownTable, resultsCsv } from '../../src/experiment/tables.js';
import type { CellResult } from '../../src/experiment/types.js';
import { searchRunFlags } from '../../src/run/config-flags.js';
import { parseSearchArgs } from '../../src/cli/commands/search.js';

function result(method: string, partition: string, seed: number, acc: number[], totalS: number): CellResult {
  return {
    id: `${method}__${partition}__s${seed}`,
    method: method as CellResult['method'],
    partition,
    seed,
    mode: 'harness',
    dataset: 'mnist',
    peers: 4,
    rounds: acc.length,
    retrainRounds: 0,
    globalAccuracy: acc[acc.length - 1],
    searchTimeMs: totalS * 1000,
    retrainTimeMs: 0,
    totalTimeMs: totalS * 1000,
    bytesUpPerPeerRound: 2048,
    bytesDownPerPeerRound: 4096,
    computeMsPerPeerRound: 1500,
    peakRssMiB: 300 + seed,
    prunedCandidates: 0,
    genotype: 'Genotype(normal=[], normal_concat=[2], reduce=[], reduce_concat=[2])',
    curve: acc.map((a, i) => ({
      round: i,
      stage: 'search',
      elapsedMs: ((i + 1) * totalS * 1000) / acc.length,
      accuracy: a,
    })),
    runDir: '/tmp/x',
  };
}

describe('experiment: pure parts', function () {
  it('reads partition labels and rejects bad ones by name', function () {
    assert.deepEqual(partitionFromLabel('dir-0.3', 8, 2), {
      scheme: 'dirichlet',
      numPeers: 8,
      seed: 2,
      alpha: 0.3,
      minSize: 10,
    });
    assert.deepEqual(partitionFromLabel('skew-4', 8, 1), {
      scheme: 'skew',
      numPeers: 8,
      seed: 1,
      classesPerPeer: 4,
    });
    assert.equal(partitionFromLabel('iid', 3, 0).scheme, 'iid');
    for (const bad of ['dir-0', 'dir-x', 'skew-0', 'label', ''])
      assert.throws(() => partitionFromLabel(bad, 2, 0), { name: 'ExperimentConfigError' }, bad);
  });

  it('plans methods x partitions x seeds with per-run configs and ids', function () {
    const preset = applyOverrides(presetNamed('mnist'), { seeds: [4, 5], partitions: ['dir-0.1', 'skew-8'] });
    const cells = planExperiment(preset, '/tmp/runs');
    assert.equal(cells.length, preset.methods.length * 2 * 2);
    assert.equal(new Set(cells.map((c) => c.id)).size, cells.length);
    const fednas = cells.find((c) => c.method === 'fednas' && c.partition === 'skew-8' && c.seed === 5);
    assert.ok(fednas);
    assert.equal(fednas.config.retrainRounds, preset.fednasRetrainRounds);
    assert.deepEqual(fednas.config.partition, { scheme: 'skew', numPeers: 8, seed: 5, classesPerPeer: 8 });
    assert.equal(fednas.config.name, 'fednas__skew-8__s5');
    assert.equal(cells.find((c) => c.method === 'fedmetanas')?.config.retrainRounds, 0);
    assert.throws(() => applyOverrides(PRESETS.smoke, { methods: ['darts'] }), {
      name: 'ExperimentConfigError',
    });
    assert.throws(() => presetNamed('nope'), /expected one of/);
  });

  it('writes a run config as peer flags that parse back to the same config', function () {
    const preset = applyOverrides(presetNamed('claim-fmnist'), {});
    for (const cell of planExperiment(preset, '/tmp/r')) {
      const back = parseSearchArgs(searchRunFlags(cell.config)).config;
      const strip = ({ out: _o, name: _n, retrainRounds: _r, ...rest }: typeof back) => rest;
      assert.deepEqual(strip(back), strip(cell.config));
    }
  });

  it('groups seeds into mean and sample std, and renders tables and CSV', function () {
    assert.deepEqual(meanStd([1, 3]), { mean: 2, std: Math.SQRT2, n: 2 });
    assert.equal(meanStd([]).n, 0);
    const rows = groupResults([
      result('fedmetanas', 'dir-0.3', 1, [0.5, 0.8], 10),
      result('fedmetanas', 'dir-0.3', 2, [0.5, 0.6], 30),
      result('fednas', 'dir-0.3', 1, [0.4, 0.7], 40),
    ]);
    assert.equal(rows.length, 2);
    assert.ok(Math.abs(rows[0].globalAccuracy.mean - 0.7) < 1e-12);
    assert.equal(rows[0].totalTimeS.mean, 20);
    assert.equal(rows[0].peakRssMiB, 302);
    const md = markdownTable(rows);
    assert.match(md, /\| dir-0\.3 \| fedmetanas \| 2 \| 70\.00 ± 14\.14 \|/);
    const csv = resultsCsv([result('fednas', 'dir-0.3', 1, [0.7], 4)])
      .trim()
      .split('\n');
    assert.equal(csv.length, 2);
    assert.match(csv[1], /"Genotype\(normal=\[\], normal_concat=\[2\], reduce=\[\], reduce_concat=\[2\]\)"/);
  });

  it('checks the speed claim seed by seed', function () {
    const claim = checkClaim(
      [
        result('fedmetanas', 'dir-0.3', 1, [0.5, 0.8, 0.9, 0.92], 40),
        result('fednas', 'dir-0.3', 1, [0.3, 0.6, 0.85], 60),
      ],
      'dir-0.3',
    );
    assert.ok(claim);
    assert.equal(claim.timeToFednasAccuracyS, 30);
    assert.equal(claim.timeRatio, 0.5);
    assert.equal(claim.notLower, true);
    const missed = checkClaim(
      [result('fedmetanas', 'dir-0.3', 1, [0.5], 10), result('fednas', 'dir-0.3', 1, [0.9], 60)],
      'dir-0.3',
    );
    assert.equal(missed?.timeToFednasAccuracyS, undefined);
    assert.equal(missed?.notLower, false);
    assert.equal(checkClaim([result('fedmetanas', 'iid', 1, [0.5], 1)], 'iid'), undefined);
  });

  it('draws accuracy curves as SVG with one path per method', function () {
    const series = accuracyCurves(
      [result('fedmetanas', 'iid', 1, [0.2, 0.4], 2), result('fedmetanas', 'iid', 2, [0.4, 0.6], 2)],
      'iid',
    );
    assert.deepEqual(series[0].points, [
      { x: 1, y: 0.30000000000000004 },
      { x: 2, y: 0.5 },
    ]);
    const svg = lineChartSvg('t <&>', series, { xLabel: 'round', yLabel: 'acc', yRange: [0, 1] });
    assert.match(svg, /^<svg xmlns/);
    assert.equal((svg.match(/<path /g) ?? []).length, 1);
    assert.match(svg, /t &lt;&amp;&gt;/);
    assert.equal(niceStep(1), 0.2);
    assert.equal(niceStep(37), 10);
  });
});
