import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../../../src/node/runtime/checkpoint.js';
import { CHECKPOINT_MODEL_FILE } from '../../../src/node/runtime/constants.js';
import { CheckpointError } from '../../../src/node/runtime/errors.js';

describe('node/runtime/checkpoint', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedmetanas-ckpt-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));
  const expected = { federation: 'fed', configHash: 'cfg' };
  const meta = { round: 3, ...expected, aggregator: 'agg', contributors: ['a', 'b'] };

  it('is absent in a fresh data dir, and round-trips model and metadata', async () => {
    assert.equal(await loadCheckpoint(dir, expected), undefined);
    const model = Uint8Array.of(1, 2, 3, 4);
    const saved = await saveCheckpoint(dir, meta, model);
    const loaded = await loadCheckpoint(dir, expected);
    assert.deepEqual(loaded?.model, model);
    assert.deepEqual(loaded?.meta, saved);
    assert.equal(loaded?.meta.round, 3);
  });

  it('refuses another run and a model that does not match its hash', async () => {
    await saveCheckpoint(dir, meta, Uint8Array.of(1));
    await assert.rejects(
      loadCheckpoint(dir, { ...expected, configHash: 'other' }),
      (e: Error) =>
        e instanceof CheckpointError && /must belong to federation fed with config other/.test(e.message),
    );
    await writeFile(join(dir, CHECKPOINT_MODEL_FILE), Uint8Array.of(2));
    await assert.rejects(loadCheckpoint(dir, expected), /checkpoint.fmns must hash to/);
  });
});
