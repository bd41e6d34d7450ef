import { AnnealScheduleError } from './errors.js';

/** GDAS initial temperature. */
export const DEFAULT_TAU_MAX = 10;
/** GDAS final temperature. */
export const DEFAULT_TAU_MIN = 0.1;

/** A temperature schedule from `tauMax` (step 0) to `tauMin` (step `steps - 1` and after). */
export interface AnnealSchedule {
  kind: 'linear' | 'exponential';
  /** Number of steps (or rounds) over which tau goes from tauMax to tauMin. */
  steps: number;
  tauMax?: number;
  tauMin?: number;
}

function progress(fn: string, step: number, steps: number, tauMax: number, tauMin: number): number {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new AnnealScheduleError(`Error in ${fn}: steps must be a positive integer, found ${steps}`);
  }
  if (!(step >= 0) || !Number.isFinite(step)) {
    throw new AnnealScheduleError(`Error in ${fn}: step must be a finite number >= 0, found ${step}`);
  }
  if (!(tauMin > 0) || !Number.isFinite(tauMax) || !(tauMax >= tauMin)) {
    throw new AnnealScheduleError(
      `Error in ${fn}: temperatures must satisfy 0 < tauMin <= tauMax < Infinity, found tauMin=${tauMin} tauMax=${tauMax}`,
    );
  }
  return steps === 1 ? 0 : Math.min(step / (steps - 1), 1);
}

/** GDAS linear annealing: tauMax - (tauMax - tauMin) * step / (steps - 1), clamped at tauMin. */
export function linearTau(
  step: number,
  steps: number,
  tauMax = DEFAULT_TAU_MAX,
  tauMin = DEFAULT_TAU_MIN,
): number {
  const t = progress('linearTau', step, steps, tauMax, tauMin);
  return tauMax - (tauMax - tauMin) * t;
}

/** Exponential annealing: tauMax * (tauMin / tauMax) ^ (step / (steps - 1)), clamped at tauMin. */
export function exponentialTau(
  step: number,
  steps: number,
  tauMax = DEFAULT_TAU_MAX,
  tauMin = DEFAULT_TAU_MIN,
): number {
  const t = progress('exponentialTau', step, steps, tauMax, tauMin);
  return tauMax * Math.pow(tauMin / tauMax, t);
}

/** Temperature of `schedule` at `step` (a step with only one step stays at tauMax). */
export function annealedTau(schedule: AnnealSchedule, step: number): number {
  const { kind, steps, tauMax = DEFAULT_TAU_MAX, tauMin = DEFAULT_TAU_MIN } = schedule;
  if (kind === 'linear') return linearTau(step, steps, tauMax, tauMin);
  if (kind === 'exponential') return exponentialTau(step, steps, tauMax, tauMin);
  throw new AnnealScheduleError(
    `Error in annealedTau: kind must be 'linear' or 'exponential', found ${JSON.stringify(kind)}`,
  );
}
