import type { AbortOptions } from '@libp2p/interface';
import { Worker } from 'node:worker_threads';
import { DEFAULT_TRAINER_TIMEOUT_MS } from './constants.js';
import { TrainerError, TrainerTimeoutError } from './errors.js';
import type {
  TrainerCallKind,
  TrainerCalls,
  TrainerInfo,
  TrainerInit,
  TrainerRequestMessage,
  TrainerResponseMessage,
} from './trainer-messages.js';

/** Options of a trainer call. */
export interface TrainerCallOptions extends AbortOptions {
  /** Default: the trainer's `timeoutMs`. */
  timeoutMs?: number;
}

/** Options of `Trainer.start`. */
export interface TrainerOptions {
  /** Longest one call may take (default `DEFAULT_TRAINER_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Where the worker's console output goes (default: this process's stderr, keeping stdout clean). */
  output?: NodeJS.WritableStream;
  /** Worker script (default `trainer-worker.js` next to this file). */
  workerUrl?: URL;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * The engine of one peer in a `worker_threads` Worker, seen from the main thread: every call posts a
 * request and resolves with the worker's answer, so training (seconds to minutes of synchronous work)
 * never blocks heartbeats and stream handlers. Calls run one at a time in call order. A call that times
 * out or is aborted rejects with `TrainerTimeoutError` (the worker finishes it anyway); a worker that
 * throws, crashes or exits rejects every pending call with `TrainerError`.
 */
export class Trainer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: TrainerError | undefined;
  private stopping = false;

  private constructor(
    private readonly worker: Worker,
    private readonly timeoutMs: number,
  ) {
    worker.on('message', (msg: TrainerResponseMessage) => this.settle(msg));
    worker.on('error', (err) =>
      this.fail(new TrainerError(`Error in Trainer: worker failed: ${err.message}`, { cause: err })),
    );
    worker.on('exit', (code) => {
      if (!this.stopping)
        this.fail(new TrainerError(`Error in Trainer: worker must keep running, found exit code ${code}`));
    });
  }

  /** Start the worker and its engine; resolves with the trainer and what the engine reports. */
  static async start(
    init: TrainerInit,
    options: TrainerOptions & AbortOptions = {},
  ): Promise<{ trainer: Trainer; info: TrainerInfo }> {
    const url = options.workerUrl ?? new URL('./trainer-worker.js', import.meta.url);
    const worker = new Worker(url, { stdout: true, stderr: true });
    const output = options.output ?? process.stderr;
    worker.stdout.pipe(output, { end: false });
    worker.stderr.pipe(output, { end: false });
    const trainer = new Trainer(worker, options.timeoutMs ?? DEFAULT_TRAINER_TIMEOUT_MS);
    try {
      const info = await trainer.call('init', init, options);
      return { trainer, info };
    } catch (err) {
      await trainer.stop();
      throw err;
    }
  }

  /** Run a call in the worker. */
  call<K extends TrainerCallKind>(
    kind: K,
    request: TrainerCalls[K][0],
    options: TrainerCallOptions = {},
  ): Promise<TrainerCalls[K][1]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<TrainerCalls[K][1]>((resolve, reject) => {
      const signal = AbortSignal.any([
        AbortSignal.timeout(timeoutMs),
        ...(options.signal ? [options.signal] : []),
      ]);
      const onAbort = () => {
        this.pending.delete(id);
        reject(
          new TrainerTimeoutError(
            `Error in Trainer.${kind}: call must finish within ${timeoutMs} ms and not be aborted, found ${String(signal.reason)}`,
          ),
        );
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v as TrainerCalls[K][1]);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      const msg: TrainerRequestMessage<K> = { id, kind, request };
      this.worker.postMessage(msg);
    });
  }

  /** Terminate the worker; pending calls reject. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.fail(new TrainerError('Error in Trainer: trainer must be running, found it stopped'));
    await this.worker.terminate();
  }

  private settle(msg: TrainerResponseMessage): void {
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
      const err = new TrainerError(
        `Error in Trainer: worker call failed: ${msg.error.name}: ${msg.error.message}`,
      );
      err.stack = `${err.stack}\nworker ${msg.error.stack ?? ''}`;
      p.reject(err);
    }
  }

  private fail(err: TrainerError): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
