/** Local epochs per round when `localSteps` is not given. */
export const DEFAULT_LOCAL_EPOCHS = 1;
/** Evaluate the global model every this many rounds (and always after the last). */
export const DEFAULT_EVAL_EVERY = 1;
