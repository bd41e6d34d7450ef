import type {
  AbortOptions,
  ComponentLogger,
  PeerId,
  Stream,
  StreamHandler,
  StreamHandlerOptions,
} from '@libp2p/interface';

/** The part of libp2p's registrar the stream services use. */
export interface ProtocolRegistrar {
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>;
  unhandle(protocol: string, options?: AbortOptions): Promise<void>;
}

/** The part of libp2p's connection manager the stream services use (dials when needed). */
export interface StreamOpener {
  openStream(peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream>;
}

/** Components the stream services ask libp2p for (a subset of libp2p's `Components`). */
export interface StreamServiceComponents {
  peerId: PeerId;
  registrar: ProtocolRegistrar;
  connectionManager: StreamOpener;
  logger: ComponentLogger;
}
