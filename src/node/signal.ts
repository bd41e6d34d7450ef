import type { AbortOptions } from '@libp2p/interface';

/**
 * The signal of a network wait: the caller's signal (if any) combined with a timeout of `timeoutMs`.
 * Every wait in `src/node` goes through this, so nothing waits forever.
 */
export function timeoutSignal(options: AbortOptions | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return options?.signal == null ? timeout : AbortSignal.any([options.signal, timeout]);
}

/** Error message of an unknown thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
