import type { AbortOptions, ConnectionProtector, MessageStream } from '@libp2p/interface';
import { preSharedKey, type ProtectorInit } from '@libp2p/pnet';

/**
 * Largest message handed to pnet's xsalsa20 cipher at once. `@libp2p/pnet` 3.0.27 encrypts a
 * connection's whole send queue in one call; its wasm cipher then grows its memory, which leaves every
 * other cipher of the process with a detached view that grows the memory again on its next call, until
 * `WebAssembly.Memory.grow(): Maximum memory size exceeded` is thrown from an event handler and kills
 * the process (measured here with 8 peers pulling 10 MB). Messages of at most 64 KiB never grow it.
 * Upstream fix: libp2p/js-libp2p#3585 (not in 3.0.27).
 */
export const PNET_MAX_MESSAGE_BYTES = 64 * 1024;

/** The runtime shape of pnet's protected connection that this wrapper touches. */
interface BoxStream extends MessageStream {
  maxMessageSize?: number;
  inboundXor?: { finalize?: () => void };
  outboundXor?: { finalize?: () => void };
}

/**
 * `@libp2p/pnet`'s `preSharedKey`, with each outgoing message capped at `PNET_MAX_MESSAGE_BYTES` and
 * the two ciphers of a connection finalized when it closes (pnet never frees their 64-byte slots in the
 * process-wide cipher pool, which runs out after a few thousand connections).
 */
export function boundedPreSharedKey(init: ProtectorInit): () => ConnectionProtector {
  const factory = preSharedKey(init);
  return () => {
    const inner = factory();
    return {
      async protect(connection: MessageStream, options?: AbortOptions): Promise<MessageStream> {
        const box = (await inner.protect(connection, options)) as BoxStream;
        box.maxMessageSize = Math.min(box.maxMessageSize ?? Infinity, PNET_MAX_MESSAGE_BYTES);
        box.addEventListener('close', () => {
          setTimeout(() => {
            for (const cipher of [box.inboundXor, box.outboundXor]) {
              try {
                cipher?.finalize?.();
              } catch {
                // already finalized
              }
            }
          }, 0);
        });
        return box;
      },
    };
  };
}
