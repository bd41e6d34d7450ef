import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { TrainerError, TrainerTimeoutError } from '../../../src/node/runtime/errors.js';
import { Trainer } from '../../../src/node/runtime/trainer.js';
import { tinyRun } from './helpers.js';

describe('node/runtime/trainer (worker thread)', function () {
  this.timeout(60_000);
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });

  it('runs the engine off the main thread: the event loop keeps turning while it trains', async () => {
    const { trainer, info } = await Trainer.start(
      { config: tinyRun(2, 2), index: 1, encoding: 'fp16' },
      { output: sink },
    );
    try {
      assert.equal(info.index, 1);
      assert.ok(info.sampleCount > 0 && info.initial.byteLength > 0);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const trained = await trainer.call('train', { round: 0, tau: 10, global: info.initial });
      clearInterval(timer);
      assert.equal(trained.encoding, 'fp16');
      assert.ok(trained.body.byteLength > 0 && trained.body.byteLength < trained.stateBytes);
      assert.ok(ticks >= trained.ms / 50, `only ${ticks} ticks in ${trained.ms} ms of training`);
      const inspected = await trainer.call('inspect', { global: info.initial });
      assert.deepEqual(inspected, { modelRound: 0, configHash: info.configHash });
    } finally {
      await trainer.stop();
    }
  });

  it('rejects a call past its time limit with TrainerTimeoutError, and every call after stop with TrainerError', async () => {
    const { trainer, info } = await Trainer.start(
      { config: tinyRun(2, 2), index: 0, encoding: 'fp32' },
      { output: sink },
    );
    try {
      await assert.rejects(
        trainer.call('train', { round: 0, tau: 10, global: info.initial }, { timeoutMs: 1 }),
        (e: Error) =>
          e instanceof TrainerTimeoutError &&
          /Error in Trainer.train: call must finish within 1 ms/.test(e.message),
      );
      await assert.rejects(
        trainer.call('inspect', { global: Uint8Array.of(1, 2, 3) }),
        (e: Error) => e instanceof TrainerError && /ModelStateTruncatedError/.test(e.message),
      );
    } finally {
      await trainer.stop();
    }
    await assert.rejects(trainer.call('inspect', { global: info.initial }), TrainerError);
  });
});
