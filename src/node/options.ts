import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { bootstrap } from '@libp2p/bootstrap';
import { gossipsub, type GossipSub, type GossipsubOpts } from '@libp2p/gossipsub';
import { identify, type Identify } from '@libp2p/identify';
import type { PrivateKey } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import type { Libp2pOptions } from 'libp2p';
import { announceTopic, heartbeatTopic } from '../protocol/ids.js';
import type { AnnouncementFilter } from './announcements.js';
import {
  DEFAULT_BOOTSTRAP_DELAY_MS,
  DEFAULT_INBOUND_CONNECTION_THRESHOLD,
  DEFAULT_LISTEN,
} from './constants.js';
import type { EventSink } from './events.js';
import { allowlistGater } from './gater.js';
import { modelTransfer, type ModelTransfer } from './model-transfer.js';
import { boundedPreSharedKey } from './pnet.js';
import type { BlobStore } from './store.js';
import { updatePush, type UpdatePush } from './update-push.js';

/** The libp2p services of a federation node. */
export interface FedServices extends Record<string, unknown> {
  identify: Identify;
  ping: Ping;
  pubsub: GossipSub;
  models: ModelTransfer;
  updates: UpdatePush;
}

/** Options of `createFedNode`. */
export interface FedNodeOptions {
  /** Federation name (`FEDERATION_NAME_PATTERN`). */
  federation: string;
  /** Data dir: identity key, blobs, event log. */
  dataDir: string;
  /** Pre-shared federation key (`loadPskFile`); omit only for an open network. */
  psk?: Uint8Array;
  /** Identity key file (default `<dataDir>/identity.key`); ignored when `privateKey` is given. */
  identityFile?: string;
  privateKey?: PrivateKey;
  /** Listen multiaddrs (default loopback, ephemeral port). */
  listen?: string[];
  /** Addresses to advertise instead of the listen addresses. */
  announce?: string[];
  /** Bootstrap multiaddrs (with `/p2p/<id>`). */
  bootstrap?: string[];
  bootstrapDelayMs?: number;
  /** While disconnected from everyone, redial the bootstrap list this often (libp2p dials it once). */
  rebootstrapIntervalMs?: number;
  /** Inbound connections accepted per second from one host (default `DEFAULT_INBOUND_CONNECTION_THRESHOLD`). */
  inboundConnectionThreshold?: number;
  /** Multicast DNS discovery (sends beyond loopback: off by default). */
  mdns?: boolean;
  /** Peer IDs allowed in the federation (self is always allowed); undefined allows any key holder. */
  allowlist?: readonly string[];
  /** Blob store (default `FsBlobStore(<dataDir>/blobs)`). */
  store?: BlobStore;
  /** Event sink (default JSONL at `<dataDir>/events.jsonl`; `false` for none). */
  events?: EventSink | false;
  heartbeatIntervalMs?: number;
  expiryIntervals?: number;
  /** Dial peers learnt from heartbeats (default true: small federations form a full mesh). */
  dialDiscovered?: boolean;
  dialTimeoutMs?: number;
  transferTimeoutMs?: number;
  chunkBytes?: number;
  announcementFilter?: AnnouncementFilter;
  /** Extra gossipsub options (signature policy stays StrictSign). */
  gossip?: Partial<GossipsubOpts>;
}

/** What `fedLibp2pOptions` needs besides the user options. */
export interface Libp2pWiring {
  privateKey: PrivateKey;
  store: BlobStore;
  events: EventSink;
  allow: ReadonlySet<string> | undefined;
  dialTimeoutMs: number;
}

/**
 * The libp2p 3 configuration of a federation node: TCP, pnet (bounded, see `pnet.ts`), Noise, yamux,
 * an allowlist gater, bootstrap (and mDNS behind its flag), identify, ping, gossipsub with StrictSign
 * restricted to the federation's topics, and the model and update stream services.
 */
export function fedLibp2pOptions(options: FedNodeOptions, wiring: Libp2pWiring): Libp2pOptions<FedServices> {
  const { privateKey, store, events, allow, dialTimeoutMs } = wiring;
  const isAllowed = allow === undefined ? undefined : (peer: string) => allow.has(peer);
  const common = {
    events,
    isAllowed,
    dialTimeoutMs,
    timeoutMs: options.transferTimeoutMs,
    chunkBytes: options.chunkBytes,
  };
  const discovery: NonNullable<Libp2pOptions['peerDiscovery']> = [];
  if (options.bootstrap !== undefined && options.bootstrap.length > 0) {
    discovery.push(
      bootstrap({ list: options.bootstrap, timeout: options.bootstrapDelayMs ?? DEFAULT_BOOTSTRAP_DELAY_MS }),
    );
  }
  if (options.mdns === true) discovery.push(mdns());
  const self = peerIdFromPrivateKey(privateKey).toString();
  return {
    privateKey,
    addresses: { listen: options.listen ?? DEFAULT_LISTEN, announce: options.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionProtector: options.psk === undefined ? undefined : boundedPreSharedKey({ psk: options.psk }),
    connectionManager: {
      inboundConnectionThreshold: options.inboundConnectionThreshold ?? DEFAULT_INBOUND_CONNECTION_THRESHOLD,
    },
    connectionGater: allowlistGater(allow === undefined ? undefined : new Set([...allow, self])),
    peerDiscovery: discovery,
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        allowedTopics: [announceTopic(options.federation), heartbeatTopic(options.federation)],
        ...options.gossip,
        globalSignaturePolicy: 'StrictSign',
        emitSelf: false,
      }),
      models: modelTransfer({ ...common, store }),
      updates: updatePush({ ...common, federation: options.federation }),
    },
  };
}
