import { LearnerConfigError } from '../errors.js';

/** Throw `LearnerConfigError` unless `value` is a positive integer. */
export function requirePositiveInt(fn: string, arg: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new LearnerConfigError(`Error in ${fn}: ${arg} must be a positive integer, found ${value}`);
  }
}

/** Throw `LearnerConfigError` unless `value` is an integer >= 0. */
export function requireNonNegativeInt(fn: string, arg: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new LearnerConfigError(`Error in ${fn}: ${arg} must be an integer >= 0, found ${value}`);
  }
}

/** Throw `LearnerConfigError` unless `value` is finite and >= 0. */
export function requireNonNegative(fn: string, arg: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new LearnerConfigError(`Error in ${fn}: ${arg} must be a finite number >= 0, found ${value}`);
  }
}

/** Throw `LearnerConfigError` unless `value` is finite and > 0. */
export function requirePositive(fn: string, arg: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new LearnerConfigError(`Error in ${fn}: ${arg} must be a finite number > 0, found ${value}`);
  }
}
