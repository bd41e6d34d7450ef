import { FedMetaNasError } from '../../errors.js';
import type { ModelState, StateSpec } from '../state/types.js';
import type { CandidateRef } from '../types.js';
import type { ClientUpdate } from './aggregate-states.js';
import { assertFiniteState, assertNormBound, assertStateMatchesSpec } from './validate.js';

/** Which checks `screenUpdates` runs. */
export interface ScreenOptions {
  /** Names and shapes every update must match. */
  spec?: StateSpec;
  candidateOf?: (name: string) => CandidateRef | undefined;
  /** Bound on the L2 norm of `update - reference`. */
  maxNorm?: number;
  reference?: ModelState;
  /** Reject non-finite values (default true). */
  finite?: boolean;
}

/** Updates that passed and those that failed, with the named error each failed with. */
export interface ScreenResult {
  accepted: ClientUpdate[];
  rejected: { id: string; error: Error }[];
}

/**
 * Validate every update before aggregation (finite values, names and shapes vs the spec, norm bound) and
 * split them into accepted and rejected, so failures are passed on explicitly instead of aborting a round.
 * Only the project's named errors reject an update; anything else is a bug and is rethrown.
 */
export function screenUpdates(updates: readonly ClientUpdate[], opts: ScreenOptions = {}): ScreenResult {
  const accepted: ClientUpdate[] = [];
  const rejected: { id: string; error: Error }[] = [];
  for (const u of updates) {
    try {
      if (opts.finite ?? true) assertFiniteState(u.state, u.id);
      if (opts.spec !== undefined)
        assertStateMatchesSpec(u.state, opts.spec, u.id, { candidateOf: opts.candidateOf });
      if (opts.maxNorm !== undefined) assertNormBound(u.state, opts.maxNorm, u.id, opts.reference);
      accepted.push(u);
    } catch (error) {
      if (!(error instanceof FedMetaNasError)) throw error;
      rejected.push({ id: u.id, error });
    }
  }
  return { accepted, rejected };
}
