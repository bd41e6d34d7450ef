/** Defaults of the round runtime (`src/node/runtime`), resolved once where used (`opts.x ?? DEFAULT_X`). */

/** Time a rank has to publish its announcement before the next rank takes over (live or not). */
export const DEFAULT_FAILOVER_DEADLINE_MS = 120_000;

/** After this long in charge, an aggregator aggregates as soon as it holds a quorum of the updates. */
export const DEFAULT_ROUND_TIMEOUT_MS = 60_000;

/** Fraction of the live expected participants an aggregator needs after the round timeout (1 = all). */
export const DEFAULT_QUORUM = 1;

/** Fraction of the live peers sampled to train each round (1 = every live peer). */
export const DEFAULT_PARTICIPATION = 1;

/** Longest a round may last on one peer before it gives up with `RoundTimeoutError`. */
export const DEFAULT_MAX_ROUND_MS = 30 * 60_000;

/** Longest a peer waits at start for the federation (enough peers, or a round in progress). */
export const DEFAULT_START_TIMEOUT_MS = 120_000;

/** After the last round, longest a peer keeps serving the final model until every live peer has it. */
export const DEFAULT_LINGER_MS = 30_000;

/** Period of the round state machine's checks (election, quorum, claims) when nothing wakes it up. */
export const DEFAULT_TICK_MS = 100;

/** First delay between two attempts of a push, pull or publish (doubled at each attempt). */
export const DEFAULT_RETRY_MIN_MS = 250;

/** Largest delay between two attempts of a push, pull or publish. */
export const DEFAULT_RETRY_MAX_MS = 2_000;

/** Longest one publish of an announcement keeps retrying while nobody receives it. */
export const DEFAULT_PUBLISH_RETRY_MS = 15_000;

/** Longest one trainer call (local update, aggregation, evaluation) may take. */
export const DEFAULT_TRAINER_TIMEOUT_MS = 60 * 60_000;

/** Round-start skew tolerated between peers when checking an announcer's rank against the clock. */
export const DEFAULT_ELIGIBILITY_SLACK_MS = 10_000;

/** After this long with a live peer ahead by a round and no announcement, catch up from heartbeats. */
export const DEFAULT_HEARTBEAT_CATCH_UP_MS = 5_000;

/** Global models kept in the blob store (older ones are deleted). */
export const DEFAULT_KEEP_MODELS = 3;

/** Checkpoint model file in the data dir (the encoded global model, `.fmns` format). */
export const CHECKPOINT_MODEL_FILE = 'checkpoint.fmns';

/** Checkpoint metadata file in the data dir (next round, hash, federation, config hash). */
export const CHECKPOINT_META_FILE = 'checkpoint.json';

/** Name of the container entry that carries the sender's peer index in an update. */
export const PEER_INDEX_TENSOR = 'meta/peer-index';
