import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseSearchArgs } from '../../src/cli/commands/search.js';
import { genotypeToMasks, parseDartsGenotype } from '../../src/nas/genotype/index.js';
import { resolveSearchSpace } from '../../src/nas/space/config.js';
import { loadModelStateFile } from '../../src/nas/state/file.js';
import { runSearch } from '../../src/run/search.js';
import { initBackend } from '../../src/tensor/backend.js';
import { tinyRunFlags } from '../node/runtime/helpers.js';

describe('fedmetanas search (in-process run)', function () {
  let out: string;
  before(async function () {
    out = await mkdtemp(join(tmpdir(), 'fedmetanas-search-'));
  });
  after(async function () {
    await rm(out, { recursive: true, force: true });
  });

  it('parses flags into a run config and rejects bad ones with named errors', function () {
    const { config } = parseSearchArgs([
      '--peers',
      '3',
      '--partition',
      'skew',
      '--classes-per-peer',
      '2',
      '--seed',
      '9',
    ]);
    assert.equal(config.peers, 3);
    assert.deepEqual(config.partition, { scheme: 'skew', numPeers: 3, seed: 9, classesPerPeer: 2 });
    assert.equal(parseSearchArgs([]).config.partition.scheme, 'dirichlet');
    const bad: [string[], string, RegExp][] = [
      [['--peers', '0'], 'UsageError', /--peers must be an integer >= 1, found '0'/],
      [['--method', 'darts'], 'UsageError', /--method must be one of/],
      [['--relax', 'medium'], 'UsageError', /--relax must be hard or soft/],
      [['--backend', 'gpu'], 'UnknownBackendError', /--backend/],
      [['--alpha', '0.5', '--partition', 'iid'], 'DataUsageError', /applies only to --partition dirichlet/],
      [['--bogus'], 'UsageError', /Unknown option '--bogus'/],
    ];
    for (const [argv, name, message] of bad) {
      assert.throws(
        () => parseSearchArgs(argv),
        (err: Error) => err.name === name && message.test(err.message),
        argv.join(' '),
      );
    }
  });

  it('runs a tiny 2-peer search on the embedded digits and writes the whole run folder', async function () {
    const { config } = parseSearchArgs([
      ...tinyRunFlags(2, 2),
      '--seed',
      '5',
      '--out',
      out,
      '--name',
      'tiny',
    ]);
    await initBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const rounds: number[] = [];
    const summary = await runSearch(config, { onRound: (m) => rounds.push(m.round) });
    assert.deepEqual(rounds, [0, 1]);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the run leaves no tensors behind');
    const dir = join(out, 'tiny');
    assert.equal(summary.runDir, dir);
    const written = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(written.seed, 5);
    assert.equal((written.backend as { name: string }).name, 'wasm');
    assert.equal((written.resolvedSpace as { inChannels: number }).inChannels, 1);
    const lines = (await readFile(join(dir, 'rounds.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(summary.globalTest.count === 2000);
    assert.ok(summary.globalTest.accuracy >= 0 && summary.globalTest.accuracy <= 1);
    const darts = (await readFile(join(dir, 'genotype.txt'), 'utf8')).trim();
    assert.deepEqual(parseDartsGenotype(darts), summary.genotype);
    assert.match(await readFile(join(dir, 'normal.dot'), 'utf8'), /^digraph/);
    const state = await loadModelStateFile(join(dir, 'model.fmns'));
    assert.equal(state.round, 2);
  });

  it('retrains the derived network from scratch after a fednas search (--retrain-rounds)', async function () {
    const { config } = parseSearchArgs([
      ...tinyRunFlags(2, 1),
      '--method',
      'fednas',
      '--retrain-rounds',
      '2',
      '--out',
      out,
      '--name',
      'retrain',
    ]);
    assert.equal(config.retrainRounds, 2);
    await initBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const summary = await runSearch(config);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the run leaves no tensors behind');
    assert.equal(summary.retrainRounds, 2);
    assert.ok(summary.searchTimeMs > 0 && summary.retrainTimeMs > 0);
    const dir = join(out, 'retrain');
    const stages = (await readFile(join(dir, 'rounds.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { stage: string }).stage);
    assert.deepEqual(stages, ['search', 'retrain', 'retrain']);
    const state = await loadModelStateFile(join(dir, 'model.fmns'));
    const space = resolveSearchSpace({ ...config.space, inChannels: 1, imageSize: 28, numClasses: 10 });
    const expected = genotypeToMasks(summary.genotype, space);
    for (const [key, mask] of expected) assert.deepEqual(Array.from(state.masks[key]), Array.from(mask), key);
    const candidateWeights = Object.keys(state.weights).filter((n) => n.includes('.edges.'));
    assert.ok(candidateWeights.length > 0, 'the derived candidates keep their weights');
  });
});
