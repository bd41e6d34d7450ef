import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `node:util` parseArgs in strict mode, with its errors turned into `UsageError`. */
export function parseFlags<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`Error in fedmetanas ${command}: ${(err as Error).message}`, { cause: err });
  }
}

/** Parse a numeric flag value, checking it is finite and within [min, max] (and an integer if asked). */
export function numberFlag(
  command: string,
  flag: string,
  value: string | undefined,
  fallback: number,
  {
    min = -Infinity,
    max = Infinity,
    integer = false,
  }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const kind = integer ? 'an integer' : 'a number';
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const range = `${Number.isFinite(min) ? ` >= ${min}` : ''}${Number.isFinite(max) ? ` <= ${max}` : ''}`;
    throw new UsageError(
      `Error in fedmetanas ${command}: --${flag} must be ${kind}${range}, found '${value}'.`,
    );
  }
  return n;
}
