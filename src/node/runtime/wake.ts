import { PeerStoppedError } from './errors.js';

/**
 * A level-free wake-up call: `wait` resolves at the next `notify`, after `ms`, or (rejecting with
 * `PeerStoppedError`) when `signal` aborts. State machines poll their conditions after each wake-up.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  /** Wake every current waiter. */
  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** Resolve at the next `notify` or after `ms`; reject when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(stopped(signal));
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        reject(stopped(signal));
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Wait `ms`; rejects with `PeerStoppedError` when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Wakeup().wait(ms, signal);
}

/** Exponential backoff: `min * 2^attempt`, capped at `max`. */
export function backoffMs(attempt: number, min: number, max: number): number {
  return Math.min(max, min * 2 ** Math.min(attempt, 20));
}

function stopped(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new PeerStoppedError(`Error in Wakeup.wait: aborted (${String(reason)})`);
}
