import { parentPort } from 'node:worker_threads';
import { TrainerError } from './errors.js';
import { TrainerEngine } from './trainer-engine.js';
import type { TrainerRequestMessage, TrainerResponseMessage } from './trainer-messages.js';

/**
 * The trainer worker thread: owns one `TrainerEngine` and answers the runtime's calls one at a time, in
 * order. Results' byte buffers are transferred, not copied.
 */

let engine: TrainerEngine | undefined;
let queue: Promise<void> = Promise.resolve();

async function handle(msg: TrainerRequestMessage): Promise<unknown> {
  if (msg.kind === 'init') {
    engine?.dispose();
    engine = await TrainerEngine.create(msg.request as TrainerRequestMessage<'init'>['request']);
    return engine.info();
  }
  if (engine === undefined) {
    throw new TrainerError(`Error in trainer worker: the first call must be init, found ${msg.kind}`);
  }
  switch (msg.kind) {
    case 'train':
      return engine.train(msg.request as TrainerRequestMessage<'train'>['request']);
    case 'aggregate':
      return engine.aggregate(msg.request as TrainerRequestMessage<'aggregate'>['request']);
    case 'evaluate':
      return engine.evaluate(msg.request as TrainerRequestMessage<'evaluate'>['request']);
    case 'finish':
      return engine.finish(msg.request as TrainerRequestMessage<'finish'>['request']);
    case 'inspect':
      return engine.inspect(msg.request as TrainerRequestMessage<'inspect'>['request']);
  }
}

/** Whole-buffer byte arrays of a result, to transfer instead of copying. */
function transferables(result: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  if (result === null || typeof result !== 'object') return out;
  for (const v of Object.values(result)) {
    if (
      v instanceof Uint8Array &&
      v.buffer instanceof ArrayBuffer &&
      v.byteOffset === 0 &&
      v.byteLength === v.buffer.byteLength &&
      !out.includes(v.buffer)
    ) {
      out.push(v.buffer);
    }
  }
  return out;
}

const port = parentPort;
if (port === null)
  throw new Error('Error in trainer worker: must run in a worker thread, found the main thread');
port.on('message', (msg: TrainerRequestMessage) => {
  queue = queue.then(async () => {
    let reply: TrainerResponseMessage;
    let transfer: ArrayBuffer[] = [];
    try {
      const result = await handle(msg);
      reply = { id: msg.id, ok: true, result };
      transfer = transferables(result);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: msg.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
    }
    port.postMessage(reply, transfer);
  });
});
