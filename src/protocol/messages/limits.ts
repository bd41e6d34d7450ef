/** Size limits of the wire messages; decoders reject anything beyond them. */

/** Largest encoded heartbeat accepted. */
export const MAX_HEARTBEAT_BYTES = 16 * 1024;

/** Largest encoded signed announcement accepted (far below gossipsub's silent 4 MiB cap). */
export const MAX_ANNOUNCEMENT_BYTES = 192 * 1024;

/** Inline announcement payloads (alphas, masks) must be strictly smaller than 64 KiB. */
export const MAX_INLINE_BYTES = 64 * 1024 - 1;

/** Largest number of contributors listed in an announcement. */
export const MAX_CONTRIBUTORS = 1024;

/** Largest encoded update header, model request or response header, or ack. */
export const MAX_HEADER_BYTES = 4 * 1024;

/** Default payload bytes per chunk frame of an update push or a blob transfer. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** Largest payload of one chunk frame. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/** Protobuf overhead allowed on top of a chunk payload (tags, varints). */
export const CHUNK_FRAME_OVERHEAD = 32;

/** Largest number of multiaddrs in a heartbeat. */
export const MAX_ADDRS = 32;

/** Longest multiaddr string in a heartbeat. */
export const MAX_ADDR_CHARS = 256;

/** Longest peer ID string accepted. */
export const MAX_PEER_ID_CHARS = 128;

/** Longest rejection reason/detail in an ack. */
export const MAX_REASON_CHARS = 1024;
