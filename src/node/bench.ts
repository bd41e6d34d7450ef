import { peerIdFromString } from '@libp2p/peer-id';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compressUpdate,
  decodeTensors,
  type TensorEncoding,
  TENSOR_ENCODINGS,
} from '../protocol/compression/index.js';
import { sha256Hex } from '../protocol/hash.js';
import {
  DEFAULT_CHUNK_BYTES,
  encodeUpdateAck,
  encodeUpdateChunk,
  encodeUpdateHeader,
} from '../protocol/messages/index.js';
import { Rng } from '../util/rng.js';
import { NetworkTimeoutError } from './errors.js';
import { varintLength } from './framing.js';
import { createFedNode, type FedNode } from './peer.js';
import { generatePsk } from './psk.js';
import { MemoryBlobStore } from './store.js';

/** Options of `benchModelBroadcast`. */
export interface BroadcastBenchOptions {
  /** Receivers (the aggregator comes on top). Default 8. */
  peers?: number;
  /** Model bytes. Default 10 MB. */
  bytes?: number;
  /** Run inside a private network (pnet). Default true. */
  psk?: boolean;
  chunkBytes?: number;
  /** Give up after this long. Default 120 s. */
  timeoutMs?: number;
}

/** Result of `benchModelBroadcast` (times in ms). */
export interface BroadcastBenchResult {
  peers: number;
  bytes: number;
  psk: boolean;
  /** Announcement publish → every receiver holds the verified model. */
  totalMs: number;
  /** Announcement publish → announcement received, per receiver. */
  announceMs: number[];
  /** Announcement publish → verified model, per receiver. */
  receivedMs: number[];
  /** Bytes delivered per second, over all receivers. */
  throughputMBps: number;
  /** Time to start the nodes and see a full membership view. */
  setupMs: number;
}

/**
 * How long a model takes to reach `peers` receivers on loopback: the aggregator stores it, gossips a
 * signed announcement, and every receiver pulls it by hash over `/fedmetanas/model/1.0.0` and verifies it.
 * All nodes run in this process (127.0.0.1 only), so the figure includes every node's CPU.
 */
export async function benchModelBroadcast(
  options: BroadcastBenchOptions = {},
): Promise<BroadcastBenchResult> {
  const peers = options.peers ?? 8;
  const bytes = options.bytes ?? 10_000_000;
  const usePsk = options.psk ?? true;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const psk = usePsk ? generatePsk() : undefined;
  const root = await mkdtemp(join(tmpdir(), 'fedmetanas-bench-'));
  const nodes: FedNode[] = [];
  const make = async (i: number, bootstrap?: string[]): Promise<FedNode> => {
    const node = await createFedNode({
      federation: 'bench',
      dataDir: join(root, `n${i}`),
      psk,
      events: false,
      store: new MemoryBlobStore(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      bootstrapDelayMs: 20,
      heartbeatIntervalMs: 1000,
      chunkBytes: options.chunkBytes,
      transferTimeoutMs: timeoutMs,
      gossip: { heartbeatInterval: 250 },
    });
    nodes.push(node);
    return node;
  };
  try {
    const t0 = performance.now();
    const aggregator = await make(0);
    const receivers = await Promise.all(
      Array.from({ length: peers }, (_, i) => make(i + 1, aggregator.addrs())),
    );
    await until(
      () => receivers.every((r) => r.heartbeats.livePeers().length === peers + 1),
      30_000,
      'full views',
    );
    await until(
      () => aggregator.libp2p.services.pubsub.getSubscribers(aggregator.announcements.topic).length === peers,
      10_000,
      'subscriptions',
    );
    const setupMs = performance.now() - t0;
    const model = randomBytes(bytes, 1);
    const hash = await aggregator.store.put(model);
    const announceMs: number[] = [];
    let start = 0;
    const done = receivers.map(
      (r) =>
        new Promise<number>((resolve, reject) => {
          const off = r.announcements.onAnnouncement(({ announcement }) => {
            off();
            announceMs.push(performance.now() - start);
            r.models
              .fetch(announcement.contentHash, [peerIdFromString(announcement.aggregator)])
              .then((res) =>
                sha256Hex(res.bytes) === hash
                  ? resolve(performance.now() - start)
                  : reject(new Error('bad hash')),
              )
              .catch(reject);
          });
        }),
    );
    start = performance.now();
    await aggregator.announcements.publish({
      round: 1,
      contentHash: hash,
      size: bytes,
      contributors: [],
      sampleCount: 0,
    });
    const receivedMs = await Promise.all(done);
    const totalMs = Math.max(...receivedMs);
    return {
      peers,
      bytes,
      psk: usePsk,
      totalMs,
      announceMs: announceMs.sort((a, b) => a - b),
      receivedMs: receivedMs.sort((a, b) => a - b),
      throughputMBps: (bytes * peers) / 1e6 / (totalMs / 1000),
      setupMs,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop().catch(() => {})));
    await rm(root, { recursive: true, force: true });
  }
}

/** Bytes and error of one encoding in `benchCompression`. */
export interface EncodingFigures {
  encoding: TensorEncoding;
  /** Container bytes (the update body). */
  bodyBytes: number;
  /** Application bytes on the stream: body + chunk framing + header + acks (before yamux/noise/pnet). */
  wireBytes: number;
  ratioToFp32: number;
  encodeMs: number;
  decodeMs: number;
  /** max |decoded - original|; for top-k, decoded + the residual kept by the sender (what error feedback conserves). */
  maxAbsError: number;
}

/**
 * Bytes of an update of `params` float32 parameters (normal, std 0.01, like a weight delta) under each
 * encoding, compared with dense fp32. `topkRatio` applies to top-k.
 */
export function benchCompression(params = 2_500_000, topkRatio = 0.01): EncodingFigures[] {
  const rng = new Rng('bench-compression');
  const tensors: Record<string, Float32Array> = {};
  let left = params;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(left, 1 << 18);
    tensors[`cells.${i}.w`] = Float32Array.from({ length: n }, () => rng.normal() * 0.01);
    left -= n;
  }
  let fp32Bytes = 0;
  return TENSOR_ENCODINGS.map((encoding) => {
    const t0 = performance.now();
    const { bytes, residual } = compressUpdate(tensors, { encoding, ratio: topkRatio });
    const t1 = performance.now();
    const back = decodeTensors(bytes).tensors;
    const t2 = performance.now();
    let maxAbsError = 0;
    for (const [name, x] of Object.entries(tensors)) {
      const y = back[name];
      const r = residual?.[name];
      for (let i = 0; i < x.length; i++)
        maxAbsError = Math.max(maxAbsError, Math.abs(y[i] + (r ? r[i] : 0) - x[i]));
    }
    if (encoding === 'fp32') fp32Bytes = bytes.byteLength;
    return {
      encoding,
      bodyBytes: bytes.byteLength,
      wireBytes: wireBytesOf(bytes.byteLength),
      ratioToFp32: bytes.byteLength / fp32Bytes,
      encodeMs: t1 - t0,
      decodeMs: t2 - t1,
      maxAbsError,
    };
  });
}

/** Application bytes of an update push of `body` bytes: framed header, two acks, framed chunks. */
export function wireBytesOf(body: number, chunkBytes: number = DEFAULT_CHUNK_BYTES): number {
  const framed = (frame: Uint8Array): number => varintLength(frame.byteLength) + frame.byteLength;
  const chunkCount = Math.ceil(body / chunkBytes);
  const header = encodeUpdateHeader({
    federation: 'bench',
    round: 1,
    sender: '12D3KooW' + 'x'.repeat(44),
    sampleCount: 1000,
    baseHash: sha256Hex(new Uint8Array(0)),
    encoding: 'fp32',
    bodyBytes: body,
    chunkCount,
    chunkBytes,
    bodyHash: sha256Hex(new Uint8Array(0)),
  });
  const ack = encodeUpdateAck({ accepted: true, reason: '', detail: '' });
  const zeros = new Uint8Array(Math.min(chunkBytes, body));
  let total = framed(header) + 2 * framed(ack);
  for (let i = 0; i < chunkCount; i++) {
    const data = zeros.subarray(0, Math.min(chunkBytes, body - i * chunkBytes));
    total += framed(encodeUpdateChunk({ index: i, data }));
  }
  return total;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  const rng = new Rng(seed);
  const words = new Uint32Array(out.buffer, 0, n >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = rng.nextUint32();
  for (let i = words.length * 4; i < n; i++) out[i] = rng.nextUint32() & 0xff;
  return out;
}

async function until(cond: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) {
      throw new NetworkTimeoutError(
        `Error in benchModelBroadcast: ${label} must be reached within ${timeoutMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
