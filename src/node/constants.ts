/** Defaults of the peer runtime, resolved once where used (`init.x ?? DEFAULT_X`). */

/** Listen address when none is given: loopback, ephemeral port. */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0'];

/** Time allowed to open a stream to a peer (dial included). */
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000;

/** Time allowed for a whole blob transfer or update push. */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 60_000;

/** Time allowed for one gossip publish. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

/** Delay before bootstrap peers are dialled after start. */
export const DEFAULT_BOOTSTRAP_DELAY_MS = 250;

/** Time allowed for `stop()` to close connections. */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** Largest blob a node fetches or serves. */
export const DEFAULT_MAX_BLOB_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/** Largest update body a node accepts on the update protocol. */
export const DEFAULT_MAX_UPDATE_BYTES = 512 * 1024 * 1024;

/** Concurrent inbound streams per connection on the model and update protocols. */
export const DEFAULT_MAX_INBOUND_STREAMS = 8;

/** Concurrent blob uploads a holder serves before answering `busy`. */
export const DEFAULT_MAX_CONCURRENT_SERVES = 16;

/** Reader backpressure: pause the stream when this many unread bytes are buffered (>= 1 frame). */
export const DEFAULT_HIGH_WATER_MARK = 8 * 1024 * 1024;

/** Yamux may deliver up to its largest stream window after a pause; room kept for it. */
export const YAMUX_MAX_WINDOW_BYTES = 16 * 1024 * 1024;

/** Name of the event log in the data dir. */
export const EVENT_LOG_FILE = 'events.jsonl';

/** Name of the identity key file in the data dir. */
export const IDENTITY_FILE = 'identity.key';

/** Name of the blob directory in the data dir. */
export const BLOB_DIR = 'blobs';

/**
 * Inbound connections accepted per second from one host. libp2p's default (5) refuses peers when a
 * federation shares one host (loopback tests, one Docker host); the network is private anyway.
 */
export const DEFAULT_INBOUND_CONNECTION_THRESHOLD = 50;

/** While a node has no connection at all, it redials its bootstrap list this often. */
export const DEFAULT_REBOOTSTRAP_INTERVAL_MS = 2_000;
